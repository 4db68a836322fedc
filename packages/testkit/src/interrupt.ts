import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long after an abort a backup may take to reject: the contract's bound (a program gets SIGTERM, then SIGKILL 5 s later). */
export const STOP_WITHIN_MS = 10_000;
/** The abort comes once this much is in the source's folder: past a small first part (a database of a few rows), into the work. */
const ABORT_AFTER_BYTES = 64 * 1024;
/** ...or this long after the start, for a source that writes into its folder only at the end. */
const ABORT_AT_THE_LATEST_MS = 3000;
const POLL_MS = 25;

/**
 * Waits until a backup into `dir` is well under way (64 KiB in its folder, `begun()` says so, or 3 s
 * after the start), or until it settled. Returns whether it is still running.
 */
export async function untilWellUnderWay(
  dir: string,
  settled: () => boolean,
  begun: () => boolean = () => false,
): Promise<boolean> {
  const start = performance.now();
  while (
    !settled() &&
    !begun() &&
    performance.now() - start < ABORT_AT_THE_LATEST_MS &&
    (await bytesIn(dir)) < ABORT_AFTER_BYTES
  )
    await sleep(POLL_MS);
  return !settled();
}

/** `promise`, or `undefined` once `ms` have passed without it settling. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The bytes of the regular files below `dir`; 0 while it cannot be read. */
async function bytesIn(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) {
    const stats = await lstat(join(dir, entry)).catch(() => undefined);
    if (stats?.isFile()) total += stats.size;
  }
  return total;
}
