import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ExitCode, PickupError, errnoCode, messageOf } from '../errors.js';
import { isProcessAlive } from '../process/alive.js';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface Lock {
  release(): Promise<void>;
}

/**
 * Takes the lock file that lets one run of a config happen at a time. A lock left by a process that
 * is gone (a crash, a kill -9) is taken over, so one bad night never blocks the next ones.
 */
export async function acquireLock(path: string): Promise<Lock> {
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  // Written whole under a private name, then linked into place: the lock never exists half-written.
  const draft = `${path}.${process.pid}.${randomUUID()}`;
  try {
    await writeFile(draft, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  } catch (error) {
    throw new PickupError(`cannot create the lock file ${path}: ${messageOf(error)}`, ExitCode.fatal, { cause: error });
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryLink(draft, path)) return { release: () => unlink(path).catch(() => {}) };
      const owner = await readOwner(path);
      if (owner && isAlive(owner)) {
        throw new PickupError(
          `another pickup run (pid ${owner.pid} on ${owner.host}, since ${owner.since}) holds the lock ${path}; nothing was done`,
          ExitCode.locked,
        );
      }
      // Stale: its process is gone. Remove it and try again (another run may race us to it).
      await unlink(path).catch(() => {});
    }
  } finally {
    await unlink(draft).catch(() => {});
  }
  throw new PickupError(`cannot take the lock ${path}: it keeps reappearing`, ExitCode.locked);
}

async function tryLink(draft: string, path: string): Promise<boolean> {
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw new PickupError(`cannot create the lock file ${path}: ${messageOf(error)}`, ExitCode.fatal, { cause: error });
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, since: String(owner.since) }
      : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock from another host (a shared folder) cannot be checked from here: respect it.
  return owner.host !== hostname() || isProcessAlive(owner.pid);
}
