import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared by every package's tests that talk to the servers scripts/test-servers.sh starts. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** How to reach the test servers that scripts/test-servers.sh started. */
export function testServers(): Record<string, string> {
  const file = join(repoRoot, '.test-servers/env');
  if (!existsSync(file))
    throw new Error(`no test servers: run scripts/test-servers.sh start (as root) first; ${file} is missing`);
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
  bin: string;
  /** Runs SQL with psql as the test superuser; returns its unaligned output. */
  sql(database: string, sql: string): string;
}

export function postgres(): Postgres {
  const env = testServers();
  const server = {
    host: env.PICKUP_TEST_PG_HOST!,
    port: Number(env.PICKUP_TEST_PG_PORT),
    user: env.PICKUP_TEST_PG_USER!,
    password: env.PICKUP_TEST_PG_PASSWORD!,
    bin: env.PICKUP_TEST_PG_BIN!,
  };
  return {
    ...server,
    sql: (database, sql) =>
      execFileSync(
        join(server.bin, 'psql'),
        [
          '-h',
          server.host,
          '-p',
          String(server.port),
          '-U',
          server.user,
          '-d',
          database,
          '-v',
          'ON_ERROR_STOP=1',
          '-At',
          '-c',
          sql,
        ],
        {
          env: { ...process.env, PGPASSWORD: server.password, PGOPTIONS: '-c client_min_messages=warning' },
          encoding: 'utf8',
        },
      ).trim(),
  };
}

export interface Mariadb {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Runs SQL as root over the socket; returns its tab-separated output. */
  sql(sql: string, database?: string): string;
}

export function mariadb(): Mariadb {
  const env = testServers();
  const socket = env.PICKUP_TEST_MY_SOCKET!;
  return {
    host: env.PICKUP_TEST_MY_HOST!,
    port: Number(env.PICKUP_TEST_MY_PORT),
    user: env.PICKUP_TEST_MY_USER!,
    password: env.PICKUP_TEST_MY_PASSWORD!,
    sql: (sql, database) =>
      execFileSync(
        'mariadb',
        [
          '--no-defaults',
          '-S',
          socket,
          '-uroot',
          '--default-character-set=utf8mb4',
          '--batch',
          '--skip-column-names',
          ...(database ? [database] : []),
          '-e',
          sql,
        ],
        {
          encoding: 'utf8',
        },
      ).trim(),
  };
}

export interface Ftp {
  host: string;
  port: number;
  tlsPort: number;
  user: string;
  password: string;
  /** The FTP user's home on this machine: what the server really holds. */
  home: string;
  /** The TLS instance's self-signed certificate. */
  ca: string;
  /** Where the test servers keep their configs. */
  servers: string;
}

export function ftp(): Ftp {
  const env = testServers();
  return {
    host: env.PICKUP_TEST_FTP_HOST!,
    port: Number(env.PICKUP_TEST_FTP_PORT),
    tlsPort: Number(env.PICKUP_TEST_FTPS_PORT),
    user: env.PICKUP_TEST_FTP_USER!,
    password: env.PICKUP_TEST_FTP_PASSWORD!,
    home: env.PICKUP_TEST_FTP_HOME!,
    ca: env.PICKUP_TEST_FTPS_CA!,
    servers: env.PICKUP_TEST_SERVERS!,
  };
}

export interface Ssh {
  host: string;
  port: number;
  user: string;
  /** The ssh user's home on this machine: what the server really holds. */
  home: string;
  key: string;
  knownHosts: string;
  /** Where the test servers keep their files (sshd's pid among them). */
  servers: string;
}

export function ssh(): Ssh {
  const env = testServers();
  return {
    host: env.PICKUP_TEST_SSH_HOST!,
    port: Number(env.PICKUP_TEST_SSH_PORT),
    user: env.PICKUP_TEST_SSH_USER!,
    home: env.PICKUP_TEST_SSH_HOME!,
    key: env.PICKUP_TEST_SSH_KEY!,
    knownHosts: env.PICKUP_TEST_SSH_KNOWN_HOSTS!,
    servers: env.PICKUP_TEST_SERVERS!,
  };
}

export interface S3 {
  /** http://127.0.0.1:PORT of a single-node Ceph's radosgw: use path-style addressing (forcePathStyle). */
  endpoint: string;
  /** The region its S3 API answers to: rgw's zonegroup, "default". */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The cluster's folder; its daemons' logs are in log/. */
  dir: string;
}

/** The S3 server scripts/ceph-s3.sh starts (scripts/test-servers.sh starts it with the others). */
export function s3(): S3 {
  const env = testServers();
  if (!env.PICKUP_TEST_S3_ENDPOINT)
    throw new Error('no S3 server in .test-servers/env: run scripts/test-servers.sh start (as root) again');
  return {
    endpoint: env.PICKUP_TEST_S3_ENDPOINT,
    region: env.PICKUP_TEST_S3_REGION!,
    accessKeyId: env.PICKUP_TEST_S3_ACCESS_KEY!,
    secretAccessKey: env.PICKUP_TEST_S3_SECRET_KEY!,
    dir: env.PICKUP_TEST_S3_DIR!,
  };
}

/** The backups a server's own folder holds: complete ones are folders named by a run id. */
export function backupsOnDisk(folder: string): { complete: string[]; partial: string[] } {
  const names = existsSync(folder) ? readdirSync(folder) : [];
  return {
    complete: names.filter((name) => /^\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z$/.test(name)).sort(),
    partial: names.filter((name) => name.endsWith('.partial')).sort(),
  };
}
