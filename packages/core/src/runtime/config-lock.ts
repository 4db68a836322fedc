import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '../plugin/plan.js';
import { errnoCode, ExitCode, PickupError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { endLeftoverChildren, recordChildrenIn } from '../process/children.js';
import { removeAbandonedTempDirs } from '../process/temp-dir.js';
import { removeLeftoverScratch } from './drill-scratch.js';
import { acquireLock, type Lock } from './lock.js';
import { DEFAULT_STAGING_ROOT, prepareConfigStaging } from './staging.js';

export interface ConfigLock {
  /** The config's folder in the staging area, which holds the lock and the runs. */
  configStaging: string;
  release(): Promise<void>;
}

/**
 * Takes the lock of a config (one run, prune or restore at a time), in the config's staging folder.
 * Holding it, ends the programs a killed Pickup left running for this config and removes its
 * abandoned temp folders and the scratch databases of a killed drill, then records the programs this
 * process starts. Throws with exit code 4 when
 * another process holds the lock. Released, it leaves no empty folder behind.
 */
export async function lockConfig(plan: Plan, log: Logger): Promise<ConfigLock> {
  // The programs a command starts are recorded for the process as a whole: one locking command at a time.
  if (heldInThisProcess) {
    throw new PickupError(
      `this process already runs a command of ${heldInThisProcess}; run one command at a time in a process (another config: another process)`,
      ExitCode.locked,
    );
  }
  heldInThisProcess = plan.file;
  try {
    return await lockConfigHere(plan, log);
  } catch (error) {
    heldInThisProcess = undefined;
    throw error;
  }
}

/** The config file whose lock this process holds, if any. */
let heldInThisProcess: string | undefined;

async function lockConfigHere(plan: Plan, log: Logger): Promise<ConfigLock> {
  const { configStaging, lock } = await takeLock(stagingRootOf(plan), plan.file);
  const children = join(configStaging, 'children');
  try {
    await endLeftoverChildren(children, log);
    const abandoned = await removeAbandonedTempDirs();
    if (abandoned.length > 0) log.debug(`removed temp folders a killed run left: ${abandoned.join(', ')}`);
    recordChildrenIn(children);
    await removeLeftoverScratch(plan, configStaging, log);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    configStaging,
    async release() {
      recordChildrenIn(undefined);
      await rmdir(children).catch(() => {});
      await lock.release();
      heldInThisProcess = undefined;
      await removeIfEmpty(configStaging);
    },
  };
}

/** Where each run gets its staging folder: `staging` in the config, or the default one in the system's temp folder. */
export function stagingRootOf(plan: Plan): string {
  return plan.config.staging ? plan.resolvePath(plan.config.staging) : DEFAULT_STAGING_ROOT;
}

/**
 * The config's staging folder, made if missing, and its lock. Another process may remove that folder
 * when it finds it empty, just between the two: then both are tried again.
 */
async function takeLock(root: string, configFile: string): Promise<{ configStaging: string; lock: Lock }> {
  for (let attempt = 1; ; attempt++) {
    const configStaging = await prepareConfigStaging(root, configFile);
    try {
      return { configStaging, lock: await acquireLock(join(configStaging, 'lock')) };
    } catch (error) {
      if (attempt >= 3 || errnoCode((error as Error).cause) !== 'ENOENT') throw error;
    }
  }
}

/** Removes a config's staging folder once nothing is left in it (a folder per config ever used would pile up). */
export async function removeIfEmpty(configStaging: string): Promise<void> {
  await rmdir(configStaging).catch(() => {}); // not empty, or gone: either is fine
}
