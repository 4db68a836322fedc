import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RestoreFile, SourceDrillContext, SourceFacts, SourceScratchContext } from '@pickup/core/plugin';
import type { Harness } from '@pickup/testkit';
import { mariadb } from '../../../test/servers.js';
import mysqlSource, { type MysqlOptions } from '../src/index.js';

/** Backups and drills of the source as the core runs them, against the test server. */
export const my = mariadb();

export const unique = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** Whether a database of that name is on the server. */
export const exists = (database: string) =>
  my.sql(`SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '${database}'`) === '1';

export const drop = (...databases: string[]) =>
  void my.sql(databases.map((name) => `DROP DATABASE IF EXISTS \`${name}\`;`).join(' '));

/** The source's options for `databases`, with a password file in the harness's folder. */
export async function sourceOptions(harness: Harness, options: Record<string, unknown>): Promise<unknown> {
  await writeFile(join(harness.workDir, 'password'), `${my.password}\n`, { mode: 0o600 });
  return { host: my.host, port: my.port, user: my.user, passwordFile: 'password', ...options };
}

export interface Backup {
  files: RestoreFile[];
  facts: SourceFacts | undefined;
  warnings: string[];
}

/** Runs the source's backup into a new folder; its files as a drill gets them. */
export async function backup(harness: Harness, options: unknown, signal?: AbortSignal): Promise<Backup> {
  const dir = join(harness.workDir, unique('staged'));
  await mkdir(dir);
  const warnings: string[] = [];
  const context = harness.context<MysqlOptions>(mysqlSource, 'db', options, signal);
  const result = await mysqlSource.backup({ ...context, dir, warn: (message) => warnings.push(message) });
  const files: RestoreFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const localPath = join(entry.parentPath, entry.name);
    files.push({ path: relative(dir, localPath), localPath, size: (await stat(localPath)).size });
  }
  return { files, facts: result?.facts, warnings };
}

/** A drill's context as the core makes it; `given` collects the scratch names handed out. */
export function drillContext(
  harness: Harness,
  options: unknown,
  of: { files: readonly RestoreFile[]; facts: SourceFacts | undefined },
  extra: Partial<SourceDrillContext<MysqlOptions>> & { given?: string[] } = {},
): SourceDrillContext<MysqlOptions> {
  const { given = [], ...rest } = extra;
  return {
    ...harness.context<MysqlOptions>(mysqlSource, 'db', options, extra.signal),
    files: of.files,
    facts: of.facts,
    scratchDir: harness.workDir,
    scratchName: async () => {
      const name = unique('pickup_drill');
      given.push(name);
      return name;
    },
    ...rest,
  };
}

export function scratchContext(harness: Harness, options: unknown, name: string): SourceScratchContext<MysqlOptions> {
  return { ...harness.context<MysqlOptions>(mysqlSource, 'db', options), name };
}

/** Every table's checksum and rows, the routines, triggers and events: what must not change in the source. */
export function fingerprint(database: string): string {
  const tables = my
    .sql(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${database}' AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY 1`,
    )
    .split('\n')
    .filter(Boolean);
  const quoted = tables.map((table) => `\`${database}\`.\`${table.replaceAll('`', '``')}\``).join(', ');
  return [
    quoted ? my.sql(`CHECKSUM TABLE ${quoted} EXTENDED`) : '',
    my.sql(`SELECT event_name, status FROM information_schema.events WHERE event_schema = '${database}' ORDER BY 1`),
    my.sql(`SELECT routine_name FROM information_schema.routines WHERE routine_schema = '${database}' ORDER BY 1`),
    my.sql(`SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = '${database}' ORDER BY 1`),
  ].join('\n');
}
