import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_FILE_NAMES } from '@pickup/core';
import { errnoCode, ExitCode, isPickupError, messageOf, PickupError } from '@pickup/core/errors';
import { type Ask, checkFlagValues, chooseKinds, FlagError, gatherAnswers, type InitFlags } from '../init/answers.js';
import { cannot, ConfigFolder, makeFolders } from '../init/config-folder.js';
import { nextSteps } from '../init/next-steps.js';
import { asks, choosePlugin } from '../init/plugins.js';
import { terminalQuestions } from '../init/prompt.js';
import { renderConfig } from '../init/render-config.js';
import type { GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface InitArgs extends GlobalArgs, InitFlags {
  dir?: string | undefined;
  yes: boolean;
  force: boolean;
  /** Run npm install for the plugins not installed yet; `--no-install`: refuse instead. */
  install: boolean;
}

/**
 * `pickup init`: asks a few questions (or takes flags and defaults) and writes a commented
 * pickup.config.ts and a package.json into the folder. Needs no config: it makes one. Each plugin's
 * entry comes from the plugin's own template; plugins not installed yet are installed first.
 */
export async function initCommand(args: InitArgs): Promise<number> {
  try {
    return await init(args);
  } catch (error) {
    // Plain lines on stderr: there is no config yet, so no log file and no logger settings to honour.
    const known =
      error instanceof FlagError
        ? new PickupError(error.message, ExitCode.usage)
        : isPickupError(error)
          ? error
          : undefined;
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
  // A wrong value is refused before anything is installed; whether a flag fits the plugins, once they are loaded.
  checkFlagValues(args, process.cwd());

  // Never wait for input that cannot come: without a terminal, flags and defaults answer everything.
  const interactive = !args.yes && process.stdin.isTTY === true;
  if (!args.yes && !interactive) say('stdin is not a terminal: taking the flags and the defaults, as with --yes');
  // The terminal is let go while npm installs, so that Ctrl-C reaches npm.
  const questions = async <T>(gather: (ask?: Ask) => Promise<T>): Promise<T> => {
    const terminal = interactive ? terminalQuestions() : undefined;
    return gather(terminal?.ask).finally(() => terminal?.close());
  };

  const folder = new ConfigFolder(dir, { install: args.install, quiet: args.quiet === true, cliVersion: version, say });
  const kinds = await questions((ask) => chooseKinds(args, dir, ask));
  const sources = kinds.sources.map((use) => choosePlugin('source', use, dir));
  const target = choosePlugin('target', kinds.target, dir);
  // --source-path alone says "a folder" as clearly as --source folder does: the folder source joins unless
  // a source asks for folders. One not installed yet is taken not to, so that npm install runs once.
  await folder.provide(
    [...sources, target].filter((plugin) => plugin.found),
    [...sources, target],
  );
  const impliesFolder = args.sourcePath !== undefined && !sources.some((source) => asks(source, 'folders'));
  const folderSource = impliesFolder ? choosePlugin('source', 'folder', dir) : undefined;
  if (folderSource) sources.unshift(folderSource);
  await folder.provide([...sources, target], [...sources, target]);
  if (folderSource && sources.some((source) => source !== folderSource && asks(source, 'folders'))) sources.shift();
  const answers = await questions((ask) => gatherAnswers(args, process.cwd(), sources, target, ask));

  // Everything that can be wrong with the package.json is found before anything is written.
  const writePackageJson = await folder.preparePackageJson([...sources, target]);
  const config = renderConfig(answers, dir);
  await makeFolders(dir).catch((error: unknown) => {
    throw cannot('create the folder', dir, error);
  });
  const configFile = join(dir, 'pickup.config.ts');
  // 'wx' fails if a config appeared since the check above, rather than overwriting it.
  await writeFile(configFile, config, { flag: args.force ? 'w' : 'wx' }).catch((error: unknown) => {
    throw errnoCode(error) === 'EEXIST' ? exists(configFile) : cannot('write', configFile, error);
  });
  say(`wrote ${configFile}`);
  // pickup.config.ts comes first in the order configs are looked for: the others are left, unused.
  for (const other of CONFIG_FILE_NAMES.slice(1)
    .map((name) => join(dir, name))
    .filter((file) => existsSync(file))) {
    say(`${other} is still there; ${configFile} is the one pickup uses`);
  }
  await writePackageJson();
  const packages = ['@pickup/cli', ...new Set([...sources, target].map((plugin) => plugin.package))];
  for (const line of nextSteps(answers, dir, packages, folder.installed)) say(line);
  return ExitCode.ok;
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
