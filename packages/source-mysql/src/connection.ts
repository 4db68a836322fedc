import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError, messageOf } from '@pickup/core';
import mysql from 'mysql2/promise';
import type { MysqlOptions } from './options.js';

export interface Connection {
  host: string;
  port: number;
  socket?: string | undefined;
  user: string;
  password?: string | undefined;
  tls: MysqlOptions['tls'];
}

export async function resolveConnection(options: MysqlOptions, resolvePath: (path: string) => string): Promise<Connection> {
  let password = options.password;
  if (options.passwordFile) {
    const file = resolvePath(options.passwordFile);
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new OptionError('passwordFile', `${file} cannot be read: ${messageOf(error)}`);
    });
    password = text.split('\n')[0];
  }
  const tls = typeof options.tls === 'object' && options.tls.ca ? { ...options.tls, ca: resolvePath(options.tls.ca) } : options.tls;
  return { host: options.host, port: options.port, socket: options.socket && resolvePath(options.socket), user: options.user, password, tls };
}

/** `127.0.0.1:3306 as backup`: what every message names, never the password. */
export function describeConnection(connection: Connection): string {
  return `${connection.socket ?? `${connection.host}:${connection.port}`} as ${connection.user}`;
}

export async function connect(connection: Connection, database?: string): Promise<mysql.Connection> {
  const tls = connection.tls;
  try {
    return await mysql.createConnection({
      host: connection.host,
      port: connection.port,
      socketPath: connection.socket,
      user: connection.user,
      password: connection.password,
      database,
      connectTimeout: 15_000,
      ssl: tls === false ? undefined : tls === true ? {} : { ca: tls.ca ? await readFile(tls.ca, 'utf8') : undefined, rejectUnauthorized: !tls.insecure },
    });
  } catch (error) {
    throw new Error(`cannot connect to MySQL at ${describeConnection(connection)}${database ? ` (database ${database})` : ''}: ${messageOf(error)}`);
  }
}

export interface ServerFacts {
  flavour: 'MariaDB' | 'MySQL';
  version: string;
  databases: string[];
}

export async function inspectServer(connection: Connection): Promise<ServerFacts> {
  const client = await connect(connection);
  try {
    const [[row]] = (await client.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    const [rows] = (await client.query('SHOW DATABASES')) as unknown as [{ Database: string }[]];
    return { flavour: /mariadb/i.test(row.version) ? 'MariaDB' : 'MySQL', version: row.version, databases: rows.map((r) => r.Database) };
  } finally {
    await client.end();
  }
}

/**
 * A temporary option file holding the connection and the password (mode 0600, in a private folder,
 * removed by `cleanup`): the dump tool reads it with --defaults-extra-file, so the password is never
 * in its argv or environment.
 */
export async function optionFile(connection: Connection): Promise<{ path: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pickup-my-'));
  const path = join(dir, 'client.cnf');
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['[client]', `user=${quote(connection.user)}`];
  if (connection.password !== undefined) lines.push(`password=${quote(connection.password)}`);
  if (connection.socket) lines.push(`socket=${quote(connection.socket)}`);
  else lines.push(`host=${quote(connection.host)}`, `port=${connection.port}`, 'protocol=TCP');
  const tls = connection.tls;
  if (tls !== false) {
    lines.push('ssl');
    if (tls !== true && tls.ca) lines.push(`ssl-ca=${quote(tls.ca)}`);
    if (tls === true || !tls.insecure) lines.push('ssl-verify-server-cert');
  }
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The first of `candidates` found (an explicit path, or names looked up in $PATH). */
export function findProgram(explicit: string | undefined, candidates: string[], option: string): string {
  if (explicit && !explicit.includes('/')) return findProgram(undefined, [explicit], option);
  if (explicit) {
    if (!existsSync(explicit)) throw new OptionError(option, `${explicit} does not exist; install mariadb-client or mysql-client, or fix ${option}`);
    return explicit;
  }
  for (const name of candidates) {
    const found = (process.env.PATH ?? '').split(':').map((dir) => join(dir, name)).find((path) => existsSync(path));
    if (found) return found;
  }
  throw new OptionError(option, `no ${candidates.join(' or ')} found in $PATH; install mariadb-client or mysql-client, or set ${option}`);
}
