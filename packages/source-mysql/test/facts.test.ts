import { describe, expect, it } from 'vitest';
import { summary, tableDifferences } from '../src/drill.js';
import { countingHindrance, readFacts, tableFacts } from '../src/facts.js';

describe('which dumpArgs keep the dump from being counted', () => {
  it('names the flag that leaves rows or tables out, or makes the dump other than SQL read here', () => {
    expect(countingHindrance(['--where=id > 5'])).toBe('dumpArgs has --where, which leaves rows out');
    expect(countingHindrance(['--wher=0'])).toBe('dumpArgs has --wher, which leaves rows out');
    expect(countingHindrance(['--ignore-table=shop.sessions'])).toBe(
      'dumpArgs has --ignore-table, which leaves tables out',
    );
    expect(countingHindrance(['--ignore-table-data=shop.logs'])).toBe(
      'dumpArgs has --ignore-table-data, which leaves rows out',
    );
    expect(countingHindrance(['--no-data'])).toContain('leaves rows out');
    expect(countingHindrance(['--tables'])).toBe('dumpArgs has --tables, which dumps only the tables named');
    expect(countingHindrance(['--tab=/tmp'])).toBe('dumpArgs has --tab, which writes the rows to other files');
    expect(countingHindrance(['--xml'])).toBe('dumpArgs has --xml, which writes XML');
    expect(countingHindrance(['--databases'])).toContain('several databases');
    expect(countingHindrance(['--skip-quote-names'])).toBe(
      'dumpArgs has --skip-quote-names, which leaves names unquoted',
    );
    expect(countingHindrance(['--quote-names=0'])).toContain('leaves names unquoted');
    expect(countingHindrance(['--compatible=ansi'])).toContain('may quote names otherwise');
    expect(countingHindrance(['--default-character-set=latin1'])).toContain('another character set');
    expect(countingHindrance(['--loose-dump-history'])).toContain('history');
  });

  it('reads bundled short flags, up to one that takes a value', () => {
    expect(countingHindrance(['-d'])).toBe('dumpArgs has -d, which leaves rows out');
    expect(countingHindrance(['-qX'])).toBe('dumpArgs has -qX, which writes XML');
    expect(countingHindrance(['-wid<5'])).toContain('leaves rows out');
    expect(countingHindrance(['-t'])).toContain('definitions out');
    expect(countingHindrance(['-uadmin'])).toBeUndefined(); // -u takes "admin": no -d in it
    expect(countingHindrance(['-hdb.example'])).toBeUndefined();
  });

  it('lets the flags through that change how rows are written, not which', () => {
    const fine = [
      '--skip-extended-insert',
      '--compact',
      '--complete-insert',
      '-c',
      '--insert-ignore',
      '--replace',
      '--order-by-primary',
      '--skip-opt',
      '--no-tablespaces',
      '--quote-names',
      '--skip-xml',
      '--xml=0',
      '--default-character-set=utf8mb4',
      '--no-create-db',
      '--set-gtid-purged=OFF',
    ];
    for (const arg of fine) expect(countingHindrance([arg]), arg).toBeUndefined();
    expect(countingHindrance([])).toBeUndefined();
  });
});

describe('the facts a backup records', () => {
  it('reads back what a backup wrote, a table named __proto__ too', () => {
    const facts = {
      databases: {
        shop: tableFacts(
          new Map([
            ['__proto__', 3],
            ['a`b', 0],
          ]),
        ),
        logs: { notCounted: 'x' },
      },
    };
    const read = readFacts(JSON.parse(JSON.stringify(facts)));
    expect(read).toEqual(facts);
    expect(Object.hasOwn((read.databases.shop as { tables: object }).tables, '__proto__')).toBe(true);
  });

  it('refuses facts of another shape with one line', () => {
    expect(() => readFacts({ databases: { shop: { tables: { t: -1 } } } })).toThrow(
      /^the backup's recorded table counts cannot be read \(/,
    );
    expect(() => readFacts({ databases: 'all' })).toThrow(/cannot be read/);
    expect(() => readFacts({})).not.toThrow(/\n/);
  });
});

describe('comparing a restored copy with the facts', () => {
  it('names each table whose rows differ, that is missing, or that was not recorded', () => {
    const restored = new Map([
      ['orders', 1204],
      ['extra', 2],
      ['people', 1],
    ]);
    expect(tableDifferences({ orders: 1205, people: 1, gone: 1 }, restored)).toEqual([
      'table orders has 1,204 rows restored, 1,205 recorded',
      'table gone is missing from the restored copy (1 row recorded)',
      'table extra (2 rows) was restored, but the backup recorded no such table',
    ]);
    expect(tableDifferences({ people: 1 }, new Map([['people', 1]]))).toEqual([]);
  });

  it('says in one line what was compared', () => {
    const counted = { database: 'shop', tables: 14, rows: 120_456 };
    expect(summary([counted, { database: 'blog', tables: 1, rows: 0 }], true, true)).toBe(
      '2 databases restored, 15 tables, 120,456 rows as recorded (users: checksums only)',
    );
    expect(
      summary([counted, { database: 'logs', notCounted: 'dumpArgs has --where, which leaves rows out' }], true, false),
    ).toBe(
      '2 databases restored, 14 tables, 120,456 rows as recorded (shop); logs: rows not compared, dumpArgs has --where, which leaves rows out',
    );
    expect(summary([{ database: 'shop', notCounted: 'no counts recorded' }], false, false)).toBe(
      '1 database restored; the backup recorded no table counts to compare (made before Pickup recorded them)',
    );
  });
});
