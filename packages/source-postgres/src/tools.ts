import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError, privateTempDir, runTool } from '@pickup/core/plugin';
import type { Connection } from './connection.js';

/** The folder of the PostgreSQL client programs: `binDir`, else the newest /usr/lib/postgresql/N/bin, else $PATH. */
export function findBinDir(binDir: string | undefined): string | undefined {
  if (binDir) return binDir;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions
    .sort((a, b) => Number(b) - Number(a))
    .find((version) => existsSync(join(root, version, 'bin', 'pg_dump')));
  return newest ? join(root, newest, 'bin') : undefined;
}

/** The path of a client program, or a clear error saying where it was looked for. */
export function tool(binDir: string | undefined, name: string, explicit: boolean): string {
  if (!binDir) {
    const onPath = (process.env.PATH ?? '')
      .split(':')
      .map((dir) => join(dir, name))
      .find((path) => existsSync(path));
    if (onPath) return onPath;
    throw new OptionError(
      'binDir',
      `no ${name} found (looked in /usr/lib/postgresql/*/bin and $PATH); install postgresql-client or set binDir`,
    );
  }
  const path = join(binDir, name);
  if (!existsSync(path)) {
    throw new OptionError(
      'binDir',
      `no ${name} in ${binDir}${explicit ? '' : ' (the newest installed PostgreSQL)'}; install postgresql-client or set binDir`,
    );
  }
  return path;
}

/** The major version of a client program: `pg_dump (PostgreSQL) 15.18 (Debian ...)` -> 15. */
export async function toolMajor(path: string): Promise<number> {
  const { execFile } = await import('node:child_process');
  const output = await new Promise<string>((resolve, reject) =>
    execFile(path, ['--version'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  const match = /\(PostgreSQL\) (\d+)/.exec(output);
  if (!match) throw new Error(`cannot read the version of ${path} from "${output.trim()}"`);
  return Number(match[1]);
}

/** `--dbname=shop`; a name the tools would take for a connection string (`a=b`, `postgres://...`) is given as one. */
export function dbnameArg(database: string): string {
  return /=|^postgres(ql)?:\/\//.test(database)
    ? `--dbname=dbname='${database.replace(/['\\]/g, '\\$&')}'`
    : `--dbname=${database}`;
}

/**
 * The connection flags and environment for a client program. The password goes into a passfile
 * (mode 0600, in a private temp folder removed by `cleanup`), never onto the command line or into PGPASSWORD.
 */
export async function clientSetup(
  connection: Connection,
): Promise<{ args: string[]; env: Record<string, string | undefined>; cleanup(): Promise<void> }> {
  const args: string[] = ['--no-password'];
  if (connection.host) args.push(`--host=${connection.host}`);
  if (connection.port) args.push(`--port=${connection.port}`);
  if (connection.user) args.push(`--username=${connection.user}`);
  const env: Record<string, string | undefined> = {};
  if (connection.sslmode) env.PGSSLMODE = connection.sslmode;
  if (connection.password === undefined) return { args, env, cleanup: async () => {} };
  const dir = await privateTempDir('pgpass');
  const passfile = join(dir, 'pgpass');
  const escapeField = (text: string) => text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  await writeFile(passfile, `*:*:*:*:${escapeField(connection.password)}\n`, { mode: 0o600 });
  env.PGPASSFILE = passfile;
  env.PGPASSWORD = undefined; // it would win over the passfile
  return { args, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export { runTool };
