import { hostname } from 'node:os';
import { resolve } from 'node:path';

export const SOURCE_KINDS = ['folder', 'postgres', 'mysql'] as const;
export const TARGET_KINDS = ['folder', 'ftp', 'rsync'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The files beside the config that hold each plugin's secret; the config names them, never the secret. */
export const PASSWORD_FILES = { postgres: 'pg-password', mysql: 'mysql-password', ftp: 'ftp-password' } as const;
export const SSH_FILES = { identity: 'id_ed25519', knownHosts: 'known_hosts' } as const;

/** Everything `pickup init` needs to write the config, after flags, questions and defaults. */
export interface Answers {
  sources: SourceKind[];
  /** Absolute folders, one folder source each (when `sources` has `folder`). */
  sourcePaths: string[];
  /** For the database sources. */
  databases: 'all' | string[];
  /** The database server (both database sources use it). */
  dbHost: string;
  /** Each database source's port. */
  dbPorts: Partial<Record<Exclude<SourceKind, 'folder'>, number>>;
  target: TargetKind;
  /** The folder target's folder (absolute), or the remote folder of ftp and rsync (as given). */
  targetPath: string;
  /** ftp and rsync only. */
  targetHost: string;
  targetUser: string;
  keep: number;
}

/** The flags that answer questions; absent ones are asked, or take their default. */
export interface InitFlags {
  source?: string[] | undefined;
  sourcePath?: string[] | undefined;
  database?: string[] | undefined;
  dbHost?: string | undefined;
  dbPort?: string | undefined;
  target?: string | undefined;
  targetHost?: string | undefined;
  targetUser?: string | undefined;
  targetPath?: string | undefined;
  keep?: string | undefined;
}

export const DEFAULTS = {
  sources: ['folder'] as SourceKind[],
  sourcePaths: ['/etc'],
  target: 'folder' as TargetKind,
  folderTargetPath: '/var/backups/pickup',
  /** A placeholder: `pickup check` then fails on it until it is edited. */
  host: 'backup.example.net',
  user: 'backup',
  /** One folder per machine at the server, as the target docs advise. */
  remotePath: `backups/${hostname()}`,
  keep: 7,
  dbHost: '127.0.0.1',
  dbPorts: { postgres: 5432, mysql: 3306 },
};

/** Asks one question; resolves to the answer, trimmed, or `fallback` for an empty one. */
export type Ask = (question: string, fallback: string) => Promise<string>;

/** A wrong flag value: the message names the flag. */
export class FlagError extends Error {}

/** A parser turns an answer into a value, or throws an Error whose message says what is expected. */
type Parse<T> = (text: string) => T;

/**
 * Answers from the flags; with `ask`, the questions no flag answered are asked (a wrong answer is asked
 * again), without it they take their defaults. Relative folders are taken from `cwd`.
 */
export async function gatherAnswers(flags: InitFlags, cwd: string, ask?: Ask): Promise<Answers> {
  /** The flag's value if given, else the answer to `text` (asked until it parses), else the default. */
  const question = async <T>(flag: string, value: string | undefined, text: string, fallback: string, parse: Parse<T>): Promise<T> => {
    if (value !== undefined) return parseFlag(flag, value, parse);
    if (!ask) return parse(fallback);
    for (;;) {
      const answer = await ask(text, fallback);
      try {
        return parse(answer);
      } catch (error) {
        process.stdout.write(`  expected ${(error as Error).message}\n`);
      }
    }
  };

  let sources = await question('--source', flags.source?.join(','), 'What to back up (folder, postgres, mysql; commas between several)', DEFAULTS.sources.join(', '), parseSources);
  // --source-path alone says "a folder" as clearly as --source folder does.
  if (flags.sourcePath && !sources.includes('folder')) sources = ['folder', ...sources];
  const databaseSource = sources.some((kind) => kind !== 'folder');
  if (flags.database && !databaseSource) throw new FlagError('--database is for --source postgres or --source mysql');
  // Each --source-path is one folder as given (it may hold a comma); an answer lists them with commas.
  const sourcePaths = !sources.includes('folder')
    ? []
    : flags.sourcePath
      ? [...new Set(flags.sourcePath.map((path) => parseFlag('--source-path', path, (text) => parseFolder(text, cwd))))]
      : await question('--source-path', undefined, 'Folders to back up (commas between)', DEFAULTS.sourcePaths.join(', '), (text) => parseFolders(text, cwd));
  const databases = databaseSource
    ? await question('--database', flags.database?.join(','), 'Databases (names with commas between, or all)', 'all', parseDatabases)
    : 'all';
  const dbKinds = sources.filter((kind) => kind !== 'folder');
  const dbFlag = flags.dbHost !== undefined ? '--db-host' : flags.dbPort !== undefined ? '--db-port' : undefined;
  if (dbFlag && !databaseSource) throw new FlagError(`${dbFlag} is for --source postgres or --source mysql`);
  if (flags.dbPort !== undefined && dbKinds.length > 1) throw new FlagError('--db-port: give one database source with it (postgres and mysql listen on different ports); edit the other in the config');
  const dbHost = databaseSource
    ? await question('--db-host', flags.dbHost, 'The database server (a host name or an IPv4 address)', DEFAULTS.dbHost, parseHost)
    : DEFAULTS.dbHost;
  const dbPorts: Answers['dbPorts'] = {};
  for (const kind of dbKinds) {
    const name = kind === 'postgres' ? 'PostgreSQL' : 'MySQL';
    dbPorts[kind] = await question('--db-port', flags.dbPort, `${name} port at ${dbHost}`, String(DEFAULTS.dbPorts[kind]), parsePort);
  }

  const target = await question('--target', flags.target, 'Where to store the backups (folder, ftp, rsync)', DEFAULTS.target, parseTarget);
  const remote = target !== 'folder';
  const misplaced = flags.targetHost !== undefined ? '--target-host' : flags.targetUser !== undefined ? '--target-user' : undefined;
  if (!remote && misplaced) throw new FlagError(`${misplaced} is for --target ftp or --target rsync`);
  const targetHost = remote ? await question('--target-host', flags.targetHost, `The ${target === 'ftp' ? 'FTP' : 'ssh'} server (a host name or an IPv4 address)`, DEFAULTS.host, parseHost) : '';
  const targetUser = remote ? await question('--target-user', flags.targetUser, `User at ${targetHost}`, DEFAULTS.user, parseUser) : '';
  const targetPath = remote
    ? await question('--target-path', flags.targetPath, `Folder at the server (from ${target === 'ftp' ? 'the login folder' : "the user's home"} unless it starts with /)`, DEFAULTS.remotePath, parseRemotePath)
    : await question('--target-path', flags.targetPath, 'Folder to store the backups in', DEFAULTS.folderTargetPath, (text) => parseFolder(text, cwd));
  const keep = await question('--keep', flags.keep, 'How many backups to keep (the newest N: retention keepLast)', String(DEFAULTS.keep), parseKeep);
  return { sources, sourcePaths, databases, dbHost, dbPorts, target, targetPath, targetHost, targetUser, keep };
}

function parseFlag<T>(flag: string, value: string, parse: Parse<T>): T {
  try {
    return parse(value);
  } catch (error) {
    throw new FlagError(`${flag}: expected ${(error as Error).message}`);
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter(Boolean);
}

/** A quoted answer for messages: `"x"`, or `nothing`. */
function given(text: string): string {
  return text ? JSON.stringify(text) : 'nothing';
}

function parseSources(text: string): SourceKind[] {
  const kinds = splitList(text.toLowerCase());
  const wrong = kinds.filter((kind) => !(SOURCE_KINDS as readonly string[]).includes(kind));
  if (kinds.length === 0 || wrong.length > 0) throw new Error(`folder, postgres or mysql (commas between several), not ${given(wrong.join(',') || text.trim())}`);
  return [...new Set(kinds as SourceKind[])];
}

function parseTarget(text: string): TargetKind {
  const kind = text.trim().toLowerCase();
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) throw new Error(`folder, ftp or rsync, not ${given(kind)}`);
  return kind as TargetKind;
}

function parseFolders(text: string, cwd: string): string[] {
  const folders = splitList(text).map((folder) => parseFolder(folder, cwd));
  if (folders.length === 0) throw new Error('at least one folder, not nothing');
  return [...new Set(folders)];
}

function parseFolder(text: string, cwd: string): string {
  const folder = text.trim();
  if (!folder || /[\0\n\r]/.test(folder)) throw new Error(`a folder on one line, not ${given(folder)}`);
  return resolve(cwd, folder);
}

function parseDatabases(text: string): 'all' | string[] {
  const names = splitList(text);
  if (names.length === 0) throw new Error('database names (commas between), or all, not nothing');
  return names.some((name) => name.toLowerCase() === 'all') ? 'all' : [...new Set(names)];
}

function parseHost(text: string): string {
  const host = text.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) throw new Error(`a host name or an IPv4 address, not ${given(host)}`);
  return host;
}

function parseUser(text: string): string {
  const user = text.trim();
  if (!/^[^\s@:/]+$/.test(user)) throw new Error(`a user name without spaces, "@", ":" or "/", not ${given(user)}`);
  return user;
}

function parseRemotePath(text: string): string {
  const path = text.trim();
  if (!path || /[\0\n\r]/.test(path)) throw new Error(`a folder on one line, not ${given(path)}`);
  return path;
}

function parsePort(text: string): number {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port < 1 || port > 65535) throw new Error(`a port number from 1 to 65535, not ${given(text.trim())}`);
  return port;
}

function parseKeep(text: string): number {
  const keep = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || keep < 1) throw new Error(`a whole number of backups, 1 or more, not ${given(text.trim())}`);
  return keep;
}
