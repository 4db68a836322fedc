import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ExitCode, PickupError, errnoCode, messageOf } from '../errors.js';
import { isRunId } from '../model/run-id.js';

/** One per user: a shared name in /tmp could be made first, and so controlled, by someone else. */
export const DEFAULT_STAGING_ROOT = join(tmpdir(), `pickup-${process.getuid?.() ?? 'staging'}`);

export interface Staging {
  /** The run's private folder: `<config's staging folder>/<runId>`. */
  dir: string;
  /** Makes the folder a source writes into: `<dir>/<source name>`. */
  sourceDir(name: string): Promise<string>;
  /** Removes the run's folder and everything in it. */
  remove(): Promise<void>;
}

/**
 * The staging folder of one config, `<root>/<config file name>-<hash of its real path>`: it holds
 * the config's lock and its runs, so configs sharing a root never touch each other's.
 */
export function configStagingDir(root: string, configFile: string): string {
  const id = createHash('sha256').update(realpathOr(configFile)).digest('hex').slice(0, 12);
  return join(root, `${basename(configFile)}-${id}`);
}

/** Creates the config's staging folder, or makes sure the one there is this user's own and private. */
export async function prepareConfigStaging(root: string, configFile: string): Promise<string> {
  const dir = configStagingDir(root, configFile);
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    if (root === DEFAULT_STAGING_ROOT) await assertOwnFolder(root);
    await mkdir(dir, { mode: 0o700 }).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
    await assertOwnFolder(dir);
  } catch (error) {
    if (error instanceof PickupError) throw error;
    throw stagingError(dir, error);
  }
  return dir;
}

/** The start of the name of a drill's folder in the config's staging folder (`drill-XXXXXX`). */
export const DRILL_FOLDER_PREFIX = 'drill-';

/** Removes the run (and restore, and drill) folders a killed command left behind. Only with the config's lock held. */
export async function removeLeftoverRuns(configStaging: string): Promise<string[]> {
  const leftovers = (await readdir(configStaging)).filter(
    (name) => isRunId(name) || name.startsWith('restore-') || name.startsWith(DRILL_FOLDER_PREFIX),
  );
  // A program of the killed run may still be writing there for a moment: removal is tried again then.
  for (const name of leftovers)
    await rm(join(configStaging, name), { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  return leftovers;
}

/** Creates the run's staging folder, readable by its owner only (backups hold private data). */
export async function createStaging(configStaging: string, runId: string): Promise<Staging> {
  const dir = join(configStaging, runId);
  await mkdir(dir, { mode: 0o700 }).catch((error: unknown) => {
    throw stagingError(dir, error);
  });
  return {
    dir,
    async sourceDir(name) {
      const path = join(dir, name);
      await mkdir(path, { mode: 0o700 });
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function assertOwnFolder(dir: string): Promise<void> {
  const stats = await lstat(dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) {
    throw new PickupError(
      `the staging folder ${dir} is not a folder of this user's (uid ${uid}); remove it, or set "staging" in the config to a private folder`,
      ExitCode.fatal,
    );
  }
  if ((stats.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

function stagingError(dir: string, error: unknown): PickupError {
  return new PickupError(
    `cannot create the staging folder ${dir}: ${messageOf(error)}; set "staging" in the config to a writable folder`,
    ExitCode.fatal,
    { cause: error },
  );
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Makes everything a source staged readable by its owner only (files 0600, folders 0700): a tool that
 * wrote with the usual umask (pg_dump writes 0644) must not make targets store a backup others can
 * read. Only what is not private yet is changed (a change of mode would also void remembered digests).
 */
export async function makePrivate(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() && !entry.isDirectory()) continue;
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) await chmod(path, entry.isDirectory() ? 0o700 : 0o600);
  }
}
