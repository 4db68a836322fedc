import { z, type SourceFacts } from '@pickup/core/plugin';

/**
 * What a backup records for `pickup drill`: for each database dumped, its tables and the rows of each as
 * the dump holds them, or why they were not counted.
 */
export type DatabaseFacts = { tables: Record<string, number> } | { notCounted: string };

export interface MysqlFacts {
  databases: Record<string, DatabaseFacts>;
}

/** A JSON object whose every own value passes `value`; kept as it is (z.record would drop a key named __proto__). */
function ownRecord<T extends z.ZodType>(value: T, what: string) {
  return z.custom<Record<string, z.output<T>>>(
    (input) =>
      typeof input === 'object' &&
      input !== null &&
      !Array.isArray(input) &&
      Object.values(input).every((entry) => value.safeParse(entry).success),
    what,
  );
}

const tables = ownRecord(z.number().int().nonnegative(), 'each table with a whole number of rows');
const factsSchema = z.object({
  databases: ownRecord(
    z.union([z.object({ tables }), z.object({ notCounted: z.string() })]),
    'each database with its tables, or why they were not counted',
  ),
});

/** The facts of a manifest (untrusted input) as this plugin wrote them; a message when they are not. */
export function readFacts(facts: SourceFacts): MysqlFacts {
  const parsed = factsSchema.safeParse(facts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(`the backup's recorded table counts cannot be read (${at}${issue.message})`);
  }
  return parsed.data as MysqlFacts;
}

/** A table count of a dump as facts (a table named `__proto__` is a key like any other). */
export function tableFacts(counts: Map<string, number>): DatabaseFacts {
  return { tables: Object.fromEntries(counts) };
}

/** A database's facts: its counts, or why there are none. */
export function databaseFacts(hindrance: string | undefined, counts: Map<string, number> | undefined): DatabaseFacts {
  if (hindrance !== undefined) return { notCounted: hindrance };
  return counts ? tableFacts(counts) : { notCounted: "the dump's text could not be followed to its end" };
}

/** Why the dumps these extra flags make cannot be counted (they leave rows or tables out, or are not SQL read here). */
const HINDRANCES: Record<string, string> = {
  where: 'leaves rows out',
  'no-data': 'leaves rows out',
  'no-data-med': 'leaves rows out',
  'ignore-table-data': 'leaves rows out',
  'ignore-table': 'leaves tables out',
  tables: 'dumps only the tables named',
  'no-create-info': "leaves the tables' definitions out",
  'dump-history': "dumps the rows of the tables' history",
  databases: 'dumps several databases',
  'all-databases': 'dumps several databases',
  xml: 'writes XML',
  tab: 'writes the rows to other files',
  'result-file': 'writes to another file',
  compatible: 'may quote names otherwise',
};
const SHORT_HINDRANCES: Record<string, string> = {
  w: 'where',
  d: 'no-data',
  t: 'no-create-info',
  H: 'dump-history',
  B: 'databases',
  A: 'all-databases',
  X: 'xml',
  T: 'tab',
  r: 'result-file',
};
/** Short flags whose value follows them in the same argument (`-uroot`): the rest of it is not flags. */
const SHORT_WITH_VALUE = new Set(['h', 'P', 'S', 'u', 'p', 'r', 'T', 'w', '#']);
/** The hindering options that are switches (`--xml=0` turns one off); the others take a value (`--where=0`). */
const SWITCHES = new Set([
  'no-data',
  'no-data-med',
  'tables',
  'no-create-info',
  'dump-history',
  'databases',
  'all-databases',
  'xml',
]);
const UTF8 = /^utf8(mb[34])?$/i;

/**
 * Why a dump made with `dumpArgs` cannot be counted (`dumpArgs has --where, which leaves rows out`), or
 * undefined. Options may be abbreviated (`--wher`): any prefix of a hindering option counts as it.
 */
export function countingHindrance(dumpArgs: readonly string[]): string | undefined {
  for (const arg of dumpArgs) {
    if (arg === '--') break;
    const reason = arg.startsWith('--') ? longHindrance(arg) : arg.startsWith('-') ? shortHindrance(arg) : undefined;
    if (reason) return `dumpArgs has ${arg.split('=')[0]}, which ${reason}`;
  }
  return undefined;
}

function longHindrance(arg: string): string | undefined {
  const [flag = '', value] = arg.slice(2).split(/=(.*)/s);
  const name = flag.replace(/^loose-/, '').replaceAll('_', '-');
  const skipped = /^(skip|disable)-/.test(name);
  const base = name.replace(/^(skip|disable|enable)-/, '');
  const falseValue = value !== undefined && /^(0|false|off)$/i.test(value);
  if (base.length < 3) return undefined;
  if ('quote-names'.startsWith(base)) return skipped || falseValue ? 'leaves names unquoted' : undefined;
  if (base === 'default-character-set')
    return value !== undefined && !UTF8.test(value) ? 'writes names in another character set' : undefined;
  const names = Object.keys(HINDRANCES);
  const option = names.find((known) => known === base) ?? names.find((known) => known.startsWith(base));
  if (!option || skipped || (falseValue && SWITCHES.has(option))) return undefined;
  return HINDRANCES[option];
}

function shortHindrance(arg: string): string | undefined {
  for (const letter of arg.slice(1)) {
    const long = SHORT_HINDRANCES[letter];
    if (long) return HINDRANCES[long];
    if (SHORT_WITH_VALUE.has(letter)) return undefined;
  }
  return undefined;
}
