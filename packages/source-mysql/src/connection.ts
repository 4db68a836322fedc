import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError, messageOf, readSecretFile, type Logger, type RestoreLogin } from '@pickup/core/plugin';
import mysql from 'mysql2/promise';
import type { MysqlOptions } from './options.js';

export interface Connection {
  host: string;
  port: number;
  socket?: string | undefined;
  user: string;
  password?: string | undefined;
  /** Where the password came from, for messages: `password from passwordFile ./my-password`, `no password`. */
  passwordFrom: string;
  tls: MysqlOptions['tls'];
}

export async function resolveConnection(
  options: MysqlOptions,
  resolvePath: (path: string) => string,
  log?: Logger,
): Promise<Connection> {
  let password = options.password;
  let passwordFrom = password === undefined ? 'no password' : 'password in the config';
  if (options.passwordFile) {
    password = await readSecretFile(resolvePath(options.passwordFile), {
      option: 'passwordFile',
      log,
      what: 'password',
    });
    passwordFrom = `password from passwordFile ${options.passwordFile}`;
  }
  const tls =
    typeof options.tls === 'object' && options.tls.ca
      ? { ...options.tls, ca: resolvePath(options.tls.ca) }
      : options.tls;
  const socket = options.socket && resolvePath(options.socket);
  return { host: options.host, port: options.port, socket, user: options.user, password, passwordFrom, tls };
}

/** The same server as another user (`pickup restore --as USER --password-file FILE`). */
export function asLogin(connection: Connection, login: RestoreLogin | undefined): Connection {
  if (!login) return connection;
  const passwordFrom =
    login.password === undefined ? 'no password' : `password from ${login.passwordFrom ?? 'a password file'}`;
  return { ...connection, user: login.user, password: login.password, passwordFrom };
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
      ssl:
        tls === false
          ? undefined
          : tls === true
            ? {}
            : { ca: tls.ca ? await readFile(tls.ca, 'utf8') : undefined, rejectUnauthorized: !tls.insecure },
    });
  } catch (error) {
    const what = `${describeConnection(connection)} (${connection.passwordFrom})${database ? `, database ${database}` : ''}`;
    throw new Error(`cannot connect to MySQL at ${what}: ${messageOf(error)}`);
  }
}

/** Runs `work` with a client of the server, closed afterwards. */
export async function withClient<T>(
  connection: Connection,
  work: (client: mysql.Connection) => Promise<T>,
): Promise<T> {
  const client = await connect(connection);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ServerFacts {
  flavour: 'MariaDB' | 'MySQL';
  version: string;
  databases: string[];
}

export function inspectServer(connection: Connection): Promise<ServerFacts> {
  return withClient(connection, async (client) => {
    const [[row]] = (await client.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    const [rows] = (await client.query('SHOW DATABASES')) as unknown as [{ Database: string }[]];
    return {
      flavour: /mariadb/i.test(row.version) ? 'MariaDB' : 'MySQL',
      version: row.version,
      databases: rows.map((r) => r.Database),
    };
  });
}

/** The first of `candidates` found (an explicit path, or names looked up in $PATH). */
export function findProgram(explicit: string | undefined, candidates: string[], option: string): string {
  if (explicit && !explicit.includes('/')) return findProgram(undefined, [explicit], option);
  if (explicit) {
    if (!existsSync(explicit))
      throw new OptionError(
        option,
        `${explicit} does not exist; install mariadb-client or mysql-client, or fix ${option}`,
      );
    return explicit;
  }
  for (const name of candidates) {
    const found = (process.env.PATH ?? '')
      .split(':')
      .map((dir) => join(dir, name))
      .find((path) => existsSync(path));
    if (found) return found;
  }
  throw new OptionError(
    option,
    `no ${candidates.join(' or ')} found in $PATH; install mariadb-client or mysql-client, or set ${option}`,
  );
}

/** A program option: a path (relative to the config file) when it has a `/`, else a name to find in $PATH. */
export function programPath(option: string | undefined, resolvePath: (path: string) => string): string | undefined {
  return option?.includes('/') ? resolvePath(option) : option;
}
