import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAMES, nearestExisting } from '@pickup/core';
import { errnoCode, ExitCode, isPickupError, messageOf, PickupError } from '@pickup/core/errors';
import { FlagError, gatherAnswers, type InitFlags } from '../init/answers.js';
import { nextSteps } from '../init/next-steps.js';
import { mergePackageJson, wantedDependencies } from '../init/package-json.js';
import { terminalQuestions } from '../init/prompt.js';
import { renderConfig } from '../init/render-config.js';
import type { GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface InitArgs extends GlobalArgs, InitFlags {
  dir?: string | undefined;
  yes: boolean;
  force: boolean;
}

/**
 * `pickup init`: asks a few questions (or takes flags and defaults) and writes a commented
 * pickup.config.ts and a package.json into the folder. Needs no config: it makes one.
 */
export async function initCommand(args: InitArgs): Promise<number> {
  try {
    return await init(args);
  } catch (error) {
    // Plain lines on stderr: there is no config yet, so no log file and no logger settings to honour.
    const known = error instanceof FlagError ? new PickupError(error.message, ExitCode.usage) : isPickupError(error) ? error : undefined;
    if (known) {
      process.stderr.write(`pickup init: ${known.message}\n`);
      return known.exitCode;
    }
    const detail = args.verbose && error instanceof Error ? error.stack : messageOf(error);
    process.stderr.write(`pickup init: internal error: ${detail}\n`);
    return ExitCode.fatal;
  }
}

async function init(args: InitArgs): Promise<number> {
  const say = (line: string) => {
    if (!args.quiet) process.stdout.write(`${line}\n`);
  };
  const dir = resolve(args.dir ?? '.');
  await refuseExisting(dir, args.force);

  // Never wait for input that cannot come: without a terminal, flags and defaults answer everything.
  const interactive = !args.yes && process.stdin.isTTY === true;
  if (!args.yes && !interactive) say('stdin is not a terminal: taking the flags and the defaults, as with --yes');
  const terminal = interactive ? terminalQuestions() : undefined;
  const answers = await gatherAnswers(args, process.cwd(), terminal?.ask).finally(() => terminal?.close());

  // Everything that can be wrong with the package.json is found before anything is written.
  const packageFile = join(dir, 'package.json');
  const existing = await readFile(packageFile, 'utf8').catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw cannot('read', packageFile, error);
  });
  const wanted = wantedDependencies(answers, version);
  const merged = mergePackageJson(existing, wanted, packageFile);

  await makeFolders(dir).catch((error: unknown) => {
    throw cannot('create the folder', dir, error);
  });
  const configFile = join(dir, 'pickup.config.ts');
  // 'wx' fails if a config appeared since the check above, rather than overwriting it.
  await writeFile(configFile, renderConfig(answers, dir), { flag: args.force ? 'w' : 'wx' }).catch((error: unknown) => {
    throw errnoCode(error) === 'EEXIST' ? exists(configFile) : cannot('write', configFile, error);
  });
  say(`wrote ${configFile}`);
  // pickup.config.ts comes first in the order configs are looked for: the others are left, unused.
  for (const other of CONFIG_FILE_NAMES.slice(1).map((name) => join(dir, name)).filter((file) => existsSync(file))) {
    say(`${other} is still there; ${configFile} is the one pickup uses`);
  }
  if (existing === undefined || merged.added.length > 0) {
    await writeFile(packageFile, merged.text).catch((error: unknown) => {
      throw cannot('write', packageFile, error);
    });
  }
  if (existing === undefined) say(`wrote ${packageFile}`);
  else if (merged.added.length > 0) say(`added ${merged.added.join(', ')} to the dependencies in ${packageFile}`);
  else say(`${packageFile} already lists every package needed`);
  for (const line of nextSteps(answers, dir, Object.keys(wanted))) say(line);
  return ExitCode.ok;
}

/** `mkdir -p`, a level at a time: Node's recursive mkdir never returns for a path under /proc. */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = dir, top = await nearestExisting(dir); path !== top; path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    await mkdir(path).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
  }
}

/** An existing config is someone's work: only --force replaces it. */
async function refuseExisting(dir: string, force: boolean): Promise<void> {
  const stats = await stat(dir).catch(() => undefined);
  if (stats && !stats.isDirectory()) throw new PickupError(`${dir} is not a folder; use another --dir`, ExitCode.fatal);
  if (force) return;
  const found = CONFIG_FILE_NAMES.map((name) => join(dir, name)).find((file) => existsSync(file));
  if (found) throw exists(found);
}

function exists(file: string): PickupError {
  return new PickupError(`${file} exists already; use --force to overwrite it, or another --dir`, ExitCode.usage);
}

/** `cannot write /etc/pickup/pickup.config.ts: permission denied`, without Node's repetition of the path. */
function cannot(what: string, path: string, error: unknown): PickupError {
  const reason = /^E[A-Z]+: ([^,]+)/.exec(messageOf(error))?.[1] ?? messageOf(error);
  return new PickupError(`cannot ${what} ${path}: ${reason}`, ExitCode.fatal);
}
