import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { InitAnswers, InitQuestion, PluginKind } from '@pickup/core';
import { asks, isUsable, pluginChoices, type ChosenPlugin } from './plugins.js';

/** Everything `pickup init` needs to write the config, after flags, questions and defaults. */
export interface Answers {
  sources: ChosenPlugin[];
  /** Absolute folders, one source each of every source that asks for `folders`. */
  sourcePaths: string[];
  /** For the sources that ask for `databases`. */
  databases: 'all' | string[];
  /** The server of every source that asks for `server`. */
  dbHost: string;
  /** The port of each source that asks for `server` and has a default port. */
  dbPorts: Map<ChosenPlugin, number>;
  target: ChosenPlugin;
  /** The target's folder (`folder`: absolute), or its folder at the server (`server`: as given). */
  targetPath: string;
  /** For a target that asks for `server`. */
  targetHost: string;
  targetUser: string;
  keep: number;
}

/** The plugins chosen for the config, before their templates are loaded. */
export interface Kinds {
  sources: string[];
  target: string;
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
  sources: ['folder'],
  sourcePaths: ['/etc'],
  target: 'folder',
  folderTargetPath: '/var/backups/pickup',
  /** A placeholder: `pickup check` then fails on it until it is edited. */
  host: 'backup.example.net',
  user: 'backup',
  /** One folder per machine at the server, as the target docs advise. */
  remotePath: `backups/${hostname()}`,
  keep: 7,
  dbHost: '127.0.0.1',
};

/** Asks one question; resolves to the answer, trimmed, or `fallback` for an empty one. */
export type Ask = (question: string, fallback: string) => Promise<string>;

/** A wrong flag value: the message names the flag. */
export class FlagError extends Error {}

/** A parser turns an answer into a value, or throws an Error whose message says what is expected. */
type Parse<T> = (text: string) => T;

type Question = <T>(
  flag: string,
  value: string | undefined,
  text: string,
  fallback: string,
  parse: Parse<T>,
) => Promise<T>;

/** The flag's value if given, else the answer to `text` (asked until it parses) with `ask`, else the default. */
function questions(ask: Ask | undefined): Question {
  return async (flag, value, text, fallback, parse) => {
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
}

/** Checks the value of every flag given that needs no plugin to be understood, before anything is installed. */
export function checkFlagValues(flags: InitFlags, cwd: string): void {
  const checks: [string, string | undefined, Parse<unknown>][] = [
    ['--db-host', flags.dbHost, parseHost],
    ['--db-port', flags.dbPort, parsePort],
    ['--target-host', flags.targetHost, parseHost],
    ['--target-user', flags.targetUser, parseUser],
    ['--target-path', flags.targetPath, parseRemotePath],
    ['--keep', flags.keep, parseKeep],
    ['--database', flags.database?.join(','), parseDatabases],
    ...(flags.sourcePath ?? []).map((path): [string, string, Parse<unknown>] => [
      '--source-path',
      path,
      (text) => parseFolder(text, cwd),
    ]),
  ];
  for (const [flag, value, parse] of checks) if (value !== undefined) parseFlag(flag, value, parse);
}

/** Which plugins to use: `--source` and `--target`, or the first two questions. `dir` is the config's folder. */
export async function chooseKinds(flags: InitFlags, dir: string, ask?: Ask): Promise<Kinds> {
  const question = questions(ask);
  const sourceChoices = pluginChoices('source', dir);
  const sources = await question(
    '--source',
    flags.source?.join(','),
    `What to back up (${sourceChoices.join(', ')}; commas between several)`,
    DEFAULTS.sources.join(', '),
    (text) => parseKinds('source', text, dir, sourceChoices),
  );
  const targetChoices = pluginChoices('target', dir);
  const [target] = await question(
    '--target',
    flags.target,
    `Where to store the backups (${targetChoices.join(', ')})`,
    DEFAULTS.target,
    (text) => parseKinds('target', text, dir, targetChoices),
  );
  return { sources, target: target! };
}

/**
 * The answers to the questions the plugins' templates ask for, from the flags; with `ask`, the questions
 * no flag answered are asked (a wrong answer is asked again), without it they take their defaults.
 * Relative folders are taken from `cwd`.
 */
export async function gatherAnswers(
  flags: InitFlags,
  cwd: string,
  sources: ChosenPlugin[],
  target: ChosenPlugin,
  ask?: Ask,
): Promise<Answers> {
  const question = questions(ask);
  const asking = (which: InitQuestion) => sources.filter((source) => asks(source, which));
  const folderSources = asking('folders');
  const databaseSources = asking('databases');
  const serverSources = asking('server');
  const portSources = serverSources.filter((source) => source.template?.defaults?.port !== undefined);
  if (flags.sourcePath && folderSources.length === 0) throw notFor('--source-path', sources, 'folders');
  if (flags.database && databaseSources.length === 0) throw notFor('--database', sources, 'databases');
  const dbFlag = flags.dbHost !== undefined ? '--db-host' : flags.dbPort !== undefined ? '--db-port' : undefined;
  if (dbFlag && serverSources.length === 0) throw notFor(dbFlag, sources, 'server');
  if (flags.dbPort !== undefined && portSources.length !== 1) {
    throw portSources.length === 0
      ? notFor('--db-port', serverSources, 'port')
      : new FlagError(
          `--db-port: give one database source with it (${andList(portSources.map((source) => source.use))} listen on different ports); ` +
            'edit the other in the config',
        );
  }

  // Each --source-path is one folder as given (it may hold a comma); an answer lists them with commas.
  const sourcePaths =
    folderSources.length === 0
      ? []
      : flags.sourcePath
        ? [
            ...new Set(
              flags.sourcePath.map((path) => parseFlag('--source-path', path, (text) => parseFolder(text, cwd))),
            ),
          ]
        : await question(
            '--source-path',
            undefined,
            'Folders to back up (commas between)',
            DEFAULTS.sourcePaths.join(', '),
            (text) => parseFolders(text, cwd),
          );
  const databases =
    databaseSources.length > 0
      ? await question(
          '--database',
          flags.database?.join(','),
          'Databases (names with commas between, or all)',
          'all',
          parseDatabases,
        )
      : 'all';
  const dbHost =
    serverSources.length > 0
      ? await question(
          '--db-host',
          flags.dbHost,
          'The database server (a host name or an IPv4 address)',
          DEFAULTS.dbHost,
          parseHost,
        )
      : DEFAULTS.dbHost;
  const dbPorts = new Map<ChosenPlugin, number>();
  for (const source of portSources) {
    const name = source.template?.title ?? source.use;
    dbPorts.set(
      source,
      await question(
        '--db-port',
        flags.dbPort,
        `${name} port at ${dbHost}`,
        String(source.template!.defaults!.port),
        parsePort,
      ),
    );
  }

  const remote = asks(target, 'server');
  const local = asks(target, 'folder');
  const misplaced =
    flags.targetHost !== undefined ? '--target-host' : flags.targetUser !== undefined ? '--target-user' : undefined;
  if (!remote && misplaced) throw notFor(misplaced, [target], 'server');
  if (!remote && !local && flags.targetPath !== undefined) throw notFor('--target-path', [target], 'folder');
  const server = target.template?.title ?? target.use;
  const targetHost = remote
    ? await question(
        '--target-host',
        flags.targetHost,
        `The ${server} server (a host name or an IPv4 address)`,
        DEFAULTS.host,
        parseHost,
      )
    : '';
  const targetUser = remote
    ? await question('--target-user', flags.targetUser, `User at ${targetHost}`, DEFAULTS.user, parseUser)
    : '';
  const targetPath = remote
    ? await question(
        '--target-path',
        flags.targetPath,
        'Folder at the server (from where the user logs in, unless it starts with /)',
        DEFAULTS.remotePath,
        parseRemotePath,
      )
    : local
      ? await question(
          '--target-path',
          flags.targetPath,
          'Folder to store the backups in',
          DEFAULTS.folderTargetPath,
          (text) => parseFolder(text, cwd),
        )
      : '';
  const keep = await question(
    '--keep',
    flags.keep,
    'How many backups to keep (the newest N: retention keepLast)',
    String(DEFAULTS.keep),
    parseKeep,
  );
  return { sources, sourcePaths, databases, dbHost, dbPorts, target, targetPath, targetHost, targetUser, keep };
}

/** What a plugin's template is given: the answers to the questions it asks for (`path`: one folder source's folder). */
export function templateAnswers(answers: Answers, plugin: ChosenPlugin, path?: string): InitAnswers {
  const result: InitAnswers = {};
  if (plugin.kind === 'source') {
    if (asks(plugin, 'folders') && path !== undefined) result.path = path;
    if (asks(plugin, 'databases')) result.databases = answers.databases;
    if (asks(plugin, 'server')) result.host = answers.dbHost;
    const port = answers.dbPorts.get(plugin);
    if (port !== undefined) result.port = port;
  } else if (asks(plugin, 'server')) {
    Object.assign(result, { host: answers.targetHost, user: answers.targetUser, path: answers.targetPath });
  } else if (asks(plugin, 'folder')) {
    result.path = answers.targetPath;
  }
  return result;
}

/** `--target-host is not for --target folder, which asks for no server`. */
function notFor(flag: string, plugins: ChosenPlugin[], what: string): FlagError {
  const named = plugins.map((plugin) => `--${plugin.kind} ${plugin.use}`);
  return new FlagError(
    `${flag} is not for ${orList(named)}, which ${plugins.length > 1 ? 'ask' : 'asks'} for no ${what}`,
  );
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');
}

function andList(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

function parseFlag<T>(flag: string, value: string, parse: Parse<T>): T {
  try {
    return parse(value);
  } catch (error) {
    throw new FlagError(`${flag}: expected ${(error as Error).message}`);
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A quoted answer for messages: `"x"`, or `nothing`. */
function given(text: string): string {
  return text ? JSON.stringify(text) : 'nothing';
}

/** One plugin name or more, each one init can use; `choices` are what the message offers. */
function parseKinds(kind: PluginKind, text: string, dir: string, choices: string[]): string[] {
  const names = splitList(text.toLowerCase());
  const wrong = names.filter((name) => !isUsable(kind, name, dir));
  if (names.length === 0 || wrong.length > 0 || (kind === 'target' && names.length > 1)) {
    const several = kind === 'source' ? ' (commas between several)' : '';
    throw new Error(
      `${choices.join(', ')} or a plugin's package name${several}, not ${given(wrong.join(',') || text.trim())}`,
    );
  }
  return [...new Set(names)];
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
  if (!/^\d+$/.test(text.trim()) || port < 1 || port > 65535)
    throw new Error(`a port number from 1 to 65535, not ${given(text.trim())}`);
  return port;
}

function parseKeep(text: string): number {
  const keep = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || keep < 1)
    throw new Error(`a whole number of backups, 1 or more, not ${given(text.trim())}`);
  return keep;
}
