import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, PickupError, messageOf } from '../errors.js';

export const DEFAULT_STAGING_ROOT = join(tmpdir(), 'pickup-staging');

export interface Staging {
  /** The run's private folder: `<root>/<runId>`. */
  dir: string;
  /** Makes the folder a source writes into: `<dir>/<source name>`. */
  sourceDir(name: string): Promise<string>;
  /** Removes the run's folder and everything in it. */
  remove(): Promise<void>;
}

/** Makes sure the staging root exists; it also holds the lock files. */
export async function prepareStagingRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw stagingError(root, error);
  });
}

/** Creates the run's staging folder, readable by its owner only (backups hold private data). */
export async function createStaging(root: string, runId: string): Promise<Staging> {
  const dir = join(root, runId);
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

function stagingError(dir: string, error: unknown): PickupError {
  return new PickupError(
    `cannot create the staging folder ${dir}: ${messageOf(error)}; set "staging" in the config to a writable folder`,
    ExitCode.fatal,
    { cause: error },
  );
}
