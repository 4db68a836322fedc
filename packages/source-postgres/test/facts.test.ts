import { describe, expect, it } from 'vitest';
import { notCountedFor, readFacts } from '../src/facts.js';

describe('notCountedFor', () => {
  it.each([
    [['--table=orders'], 'pgDumpArgs --table dumps only the tables named'],
    [['-t', 'orders'], 'pgDumpArgs -t dumps only the tables named'],
    [['-torders'], 'pgDumpArgs -t dumps only the tables named'],
    [['--no-owner', '-T', 'audit*'], 'pgDumpArgs -T leaves tables out'],
    [['--exclude-table-data', 'logs'], 'pgDumpArgs --exclude-table-data leaves rows out'],
    [['--exclude-table-d=logs'], 'pgDumpArgs --exclude-table-data leaves rows out'],
    [['-Ox', '-n', 'shop'], 'pgDumpArgs -n dumps only the schemas named'],
    [['--exclude-schema=tmp'], 'pgDumpArgs --exclude-schema leaves schemas out'],
    [['-Os'], 'pgDumpArgs -s leaves every row out'],
    [['--data-only'], "pgDumpArgs --data-only leaves the tables' definitions out"],
    [['--no-unlogged-table-data'], "pgDumpArgs --no-unlogged-table-data leaves the unlogged tables' rows out"],
    [['--snapshot=00000003-1'], 'pgDumpArgs --snapshot dumps another snapshot'],
  ])('%j: not counted, because %s', (args, why) => {
    expect(notCountedFor(args)).toBe(why);
  });

  it.each([
    [[]],
    [['--no-owner', '--no-privileges', '-Ox']],
    [['-Z9', '--lock-wait-timeout=10s']],
    [['-Ft']], // a format, not -t
    [['-E', 'UTF8', '--serializable-deferrable', '--enable-row-security']],
    [['--extension=postgis']],
  ])('%j: every table counted', (args) => {
    expect(notCountedFor(args)).toBeUndefined();
  });
});

describe('readFacts', () => {
  it('reads what a backup recorded', () => {
    const facts = {
      databases: [
        { database: '__proto__', tables: [{ schema: 'a.b', table: '__proto__', rows: 3 }] },
        { database: 'logs', notCounted: 'pgDumpArgs -T leaves tables out' },
      ],
    };
    expect(readFacts(facts)).toEqual(facts);
  });

  it.each([
    [{}, 'databases: '],
    [{ databases: {} }, 'databases: '],
    [{ databases: [{ database: 'shop', tables: [{ schema: 'public', table: 't', rows: 1.5 }] }] }, 'databases.0'],
    [{ databases: [{ database: 'shop' }] }, 'databases.0'],
  ])('refuses %j in one line', (facts, where) => {
    expect(() => readFacts(facts)).toThrow(
      /^the backup's recorded table counts cannot be read \(.*\): the manifest is damaged$/,
    );
    expect(() => readFacts(facts)).toThrow(where);
  });
});
