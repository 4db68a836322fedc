import { readFile } from 'node:fs/promises';
import { OptionError, messageOf } from '@pickup/core';
import pg from 'pg';
import type { PostgresOptions } from './options.js';

/** Where and as whom to connect; the password stays out of every message. */
export interface Connection {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  sslmode?: string | undefined;
}

/** The connection the options describe: the URI first, the single fields over it, the password file last. */
export async function resolveConnection(options: PostgresOptions, resolvePath: (path: string) => string): Promise<Connection> {
  const connection: Connection = {};
  if (options.connectionString) {
    let url: URL;
    try {
      url = new URL(options.connectionString);
    } catch {
      throw new OptionError('connectionString', 'is not a postgres:// URI');
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new OptionError('connectionString', 'is not a postgres:// URI');
    connection.host = url.hostname || undefined;
    connection.port = url.port ? Number(url.port) : undefined;
    connection.user = url.username ? decodeURIComponent(url.username) : undefined;
    connection.password = url.password ? decodeURIComponent(url.password) : undefined;
    connection.sslmode = url.searchParams.get('sslmode') ?? undefined;
  }
  if (options.host) connection.host = options.host;
  if (options.port) connection.port = options.port;
  if (options.user) connection.user = options.user;
  if (options.password !== undefined) connection.password = options.password;
  if (options.sslmode) connection.sslmode = options.sslmode;
  if (options.passwordFile) {
    const file = resolvePath(options.passwordFile);
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new OptionError('passwordFile', `${file} cannot be read: ${messageOf(error)}`);
    });
    connection.password = text.split('\n')[0];
  }
  return connection;
}

/** `127.0.0.1:5432 as backup`, with libpq's defaults named as such. */
export function describeConnection(connection: Connection): string {
  const host = connection.host ?? process.env.PGHOST ?? 'the local socket';
  const port = connection.port ?? process.env.PGPORT ?? 5432;
  const user = connection.user ?? process.env.PGUSER ?? 'the default user';
  return `${host}:${port} as ${user}`;
}

/** A client of `database`; errors name the server, the user and the database, never the password. */
export async function connect(connection: Connection, database: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    database,
    ssl: sslFor(connection.sslmode),
    connectionTimeoutMillis: 15_000,
    application_name: 'pickup',
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${describeConnection(connection)} (database ${database}): ${messageOf(error)}`);
  }
  return client;
}

function sslFor(mode: string | undefined): pg.ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
    case 'prefer':
    case 'allow':
      return mode === 'require' ? { rejectUnauthorized: false } : undefined;
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return undefined;
  }
}

export interface ServerFacts {
  /** `15` for 15.4 */
  major: number;
  version: string;
  databases: string[];
}

/** The server's version and the databases that accept connections, templates left out. */
export async function inspectServer(connection: Connection, database: string): Promise<ServerFacts> {
  const client = await connect(connection, database);
  try {
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const rows = (await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname')).rows;
    return { version, major: Number.parseInt(version, 10), databases: rows.map((row) => row.datname) };
  } finally {
    await client.end();
  }
}
