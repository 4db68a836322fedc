import { OptionError, messageOf, readSecretFile, type Logger, type RestoreLogin } from '@pickup/core/plugin';
import pg from 'pg';
import type { PostgresOptions } from './options.js';

/** Where and as whom to connect; the password stays out of every message. */
export interface Connection {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  /** Where the password comes from, for messages: `passwordFile ./pg-password`, `~/.pgpass or none`. */
  passwordFrom: string;
  sslmode?: string | undefined;
}

/** The connection the options describe: the URI first, the single fields over it, the password file last. */
export async function resolveConnection(
  options: PostgresOptions,
  resolvePath: (path: string) => string,
  log?: Logger,
): Promise<Connection> {
  const connection: Connection = { passwordFrom: libpqPasswordFrom() };
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
    if (url.password) {
      connection.password = decodeURIComponent(url.password);
      connection.passwordFrom = 'the connectionString';
    }
    connection.sslmode = url.searchParams.get('sslmode') ?? undefined;
  }
  if (options.host) connection.host = options.host;
  if (options.port) connection.port = options.port;
  if (options.user) connection.user = options.user;
  if (options.password !== undefined) {
    connection.password = options.password;
    connection.passwordFrom = 'password in the config';
  }
  if (options.sslmode) connection.sslmode = options.sslmode;
  if (options.passwordFile) {
    connection.password = await readSecretFile(resolvePath(options.passwordFile), {
      option: 'passwordFile',
      log,
      what: 'password',
    });
    connection.passwordFrom = `passwordFile ${options.passwordFile}`;
  }
  return connection;
}

/** The same server as another user (`pickup restore --as`): none of the configured user's password is kept. */
export function loginConnection(connection: Connection, login: RestoreLogin): Connection {
  return {
    host: connection.host,
    port: connection.port,
    sslmode: connection.sslmode,
    user: login.user,
    password: login.password,
    passwordFrom: login.password === undefined ? libpqPasswordFrom() : (login.passwordFrom ?? '--password-file'),
  };
}

/**
 * Who a restore (or a drill) connects as: `login` when given (`--as`, `drill.as`), whose password is then
 * the only one read, else the source's own user.
 */
export async function restoreConnection(
  options: PostgresOptions,
  login: RestoreLogin | undefined,
  resolvePath: (path: string) => string,
  log?: Logger,
): Promise<Connection> {
  if (!login) return resolveConnection(options, resolvePath, log);
  return loginConnection(
    await resolveConnection({ ...options, password: undefined, passwordFile: undefined }, resolvePath),
    login,
  );
}

/** Where libpq (and `pg`) take a password when none is given. */
function libpqPasswordFrom(): string {
  return process.env.PGPASSWORD ? '$PGPASSWORD' : '~/.pgpass or none';
}

/** `127.0.0.1:5432 as backup`, with libpq's defaults named as such. */
export function describeConnection(connection: Connection): string {
  const host = connection.host ?? process.env.PGHOST ?? 'the local socket';
  const port = connection.port ?? process.env.PGPORT ?? 5432;
  const user = connection.user ?? process.env.PGUSER ?? 'the default user';
  return `${host}:${port} as ${user}`;
}

/** A client of `database`; errors name the server, the user, the database and where the password came from, never the password. */
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
    const what = `${describeConnection(connection)} (database ${database}; password from ${connection.passwordFrom})`;
    throw new Error(`cannot connect to PostgreSQL at ${what}: ${messageOf(error)}`);
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
  /** The connected role is a superuser. */
  superuser: boolean;
  /** ...or may read the roles' password hashes anyway (`pg_read_all_data`). */
  readsPasswordHashes: boolean;
}

/** The server's version, the databases that accept connections (templates left out), and what the role may read. */
export async function inspectServer(connection: Connection, database: string): Promise<ServerFacts> {
  const client = await connect(connection, database);
  try {
    const facts = (
      await client.query<{ server_version: string; superuser: boolean; reads: boolean }>(
        "SELECT current_setting('server_version') AS server_version, " +
          "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, has_table_privilege('pg_authid', 'SELECT') AS reads",
      )
    ).rows[0]!;
    const rows = (
      await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname',
      )
    ).rows;
    return {
      version: facts.server_version,
      major: Number.parseInt(facts.server_version, 10),
      databases: rows.map((row) => row.datname),
      superuser: facts.superuser,
      readsPasswordHashes: facts.superuser || facts.reads,
    };
  } finally {
    await client.end();
  }
}
