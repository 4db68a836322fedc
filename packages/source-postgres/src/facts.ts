import { z, type SourceFacts } from '@pickup/core/plugin';

/**
 * What a backup records for `pickup drill`: for each database dumped, its tables and their rows as the
 * dump holds them (counted in the dump's own snapshot), or why they were not counted. Lists, not
 * objects keyed by name: any name (`__proto__`, `a.b`) is then plain data.
 */
export interface TableCount {
  schema: string;
  table: string;
  rows: number;
}

export type DatabaseFacts = { database: string; tables: TableCount[] } | { database: string; notCounted: string };

export interface PostgresFacts {
  databases: DatabaseFacts[];
}

const tableCount = z.object({ schema: z.string(), table: z.string(), rows: z.number().int().nonnegative() });
const factsSchema = z.object({
  databases: z.array(
    z.union([
      z.object({ database: z.string(), tables: z.array(tableCount) }),
      z.object({ database: z.string(), notCounted: z.string() }),
    ]),
  ),
});

/** The facts of a manifest (untrusted input) as this plugin wrote them; a one-line message when they are not. */
export function readFacts(facts: SourceFacts): PostgresFacts {
  const parsed = factsSchema.safeParse(facts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(
      `the backup's recorded table counts cannot be read (${at}${issue.message}): the manifest is damaged`,
    );
  }
  return parsed.data;
}

/** pg_dump options that leave tables or rows out of a dump: its tables then cannot be counted as dumped. */
const LEAVES_OUT: Record<string, string> = {
  table: 'dumps only the tables named',
  'table-and-children': 'dumps only the tables named',
  'exclude-table': 'leaves tables out',
  'exclude-table-and-children': 'leaves tables out',
  'exclude-table-data': 'leaves rows out',
  'exclude-table-data-and-children': 'leaves rows out',
  schema: 'dumps only the schemas named',
  'exclude-schema': 'leaves schemas out',
  'schema-only': 'leaves every row out',
  'data-only': "leaves the tables' definitions out",
  'no-data': 'leaves every row out',
  'statistics-only': 'leaves every row out',
  'no-unlogged-table-data': "leaves the unlogged tables' rows out",
  filter: 'may select tables',
  snapshot: 'dumps another snapshot',
};
const SHORT_LEAVES_OUT: Record<string, string> = {
  t: 'table',
  T: 'exclude-table',
  n: 'schema',
  N: 'exclude-schema',
  s: 'schema-only',
  a: 'data-only',
};
/** Short options whose value may follow them in the same argument (`-Fc`, `-fout.sql`): the rest of it is no option. */
const SHORT_WITH_VALUE = new Set([...'dEefFhjnNpStTUZ']);

/**
 * Why `pg_dump` with these extra arguments makes a dump whose tables cannot be counted (it leaves tables
 * or rows out), as `pgDumpArgs --table dumps only the tables named`; undefined when it dumps them all.
 */
export function notCountedFor(pgDumpArgs: readonly string[]): string | undefined {
  for (const arg of pgDumpArgs) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      if (name.length < 3) continue;
      // pg_dump takes an unambiguous prefix too (`--exclude-table-d`); an ambiguous one it refuses.
      const options = Object.keys(LEAVES_OUT);
      const option = options.find((known) => known === name) ?? options.find((known) => known.startsWith(name));
      if (option) return `pgDumpArgs --${option} ${LEAVES_OUT[option]}`;
      continue;
    }
    if (!arg.startsWith('-')) continue;
    for (const letter of arg.slice(1)) {
      const option = SHORT_LEAVES_OUT[letter];
      if (option) return `pgDumpArgs -${letter} ${LEAVES_OUT[option]}`;
      if (SHORT_WITH_VALUE.has(letter)) break;
    }
  }
  return undefined;
}
