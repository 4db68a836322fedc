import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import { isGroupAlive, isProcessAlive, killGroup, processStartTime } from './alive.js';

/**
 * The programs Pickup starts (pg_dump, rsync and its ssh...) each run in a process group of their own,
 * recorded in a folder of the config's staging area while they run. A Pickup killed with kill -9 (or by
 * the OOM killer) leaves them working; the next command that takes the config's lock ends them first
 * (`endLeftoverChildren`), so that no push of a dead run goes on beside a new one.
 */
interface ChildRecord {
  pid: number;
  /** The process's start time, to tell it from a later process that got the same pid. */
  start?: string | undefined;
  command: string;
}

const KEY = Symbol.for('pickup.children');
const KILL_GRACE_MS = 5000;
const WAIT_MS = 10_000;

/** Where children are recorded: shared with a plugin's own copy of the core, like the secrets. */
function state(): { dir?: string | undefined } {
  const holder = globalThis as { [KEY]?: { dir?: string | undefined } };
  holder[KEY] ??= {};
  return holder[KEY];
}

/** From now on, record every child started with `spawnTracked` in `dir` (none: stop recording). */
export function recordChildrenIn(dir: string | undefined): void {
  if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  state().dir = dir;
}

/**
 * Like `spawn`, in a process group of its own, recorded while it runs. When `signal` aborts, the whole
 * group gets SIGTERM, then SIGKILL if it has not ended 5 s later.
 */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { signal?: AbortSignal | undefined } = {},
): ChildProcess {
  const { signal, ...rest } = options;
  const child = spawn(command, args, { ...rest, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // it did not start: its 'error' event says why
  const dir = state().dir;
  const record = dir ? join(dir, String(pid)) : undefined;
  if (record) {
    const entry: ChildRecord = { pid, start: processStartTime(pid), command: basename(command) };
    try {
      mkdirSync(dir!, { recursive: true, mode: 0o700 });
      // Whole or not at all: a run killed while writing must not leave a half record for the next one.
      writeFileSync(`${record}.tmp`, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      renameSync(`${record}.tmp`, record);
    } catch {
      // Not recorded: it still runs, and an interruption still ends it.
    }
  }
  let killer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    killGroup(pid, 'SIGTERM');
    killer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    killer.unref();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  child.once('exit', () => {
    signal?.removeEventListener('abort', onAbort);
    if (killer) clearTimeout(killer);
    if (record) rmSync(record, { force: true });
  });
  return child;
}

/**
 * Ends the process groups a killed Pickup left running (recorded in `dir`): SIGTERM, then SIGKILL after
 * 5 s, waiting until they are gone. Returns what it ended, for a warning.
 */
export async function endLeftoverChildren(dir: string, log: Logger): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ended: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    // A record that cannot be read or parsed (a `.tmp` left by a kill, or an older version's half
    // write) names no process: nothing to end.
    const record = await readFile(file, 'utf8').then(parseRecord, () => undefined);
    if (record && Number(name) !== process.pid && isOurs(record)) {
      log.warn(`ending ${record.command} (pid ${record.pid}), left running by an interrupted run, before going on`);
      killGroup(record.pid, 'SIGTERM');
      if (!(await groupGone(record.pid, KILL_GRACE_MS))) {
        killGroup(record.pid, 'SIGKILL');
        await groupGone(record.pid, WAIT_MS);
      }
      ended.push(`${record.command} (pid ${record.pid})`);
    }
    await rm(file, { force: true });
  }
  return ended;
}

/**
 * Whether a recorded group is still ours: its leader alive with the same start time, or gone with other
 * members of its group left (a group id is not reused while the group has members).
 */
function isOurs(record: ChildRecord): boolean {
  if (isProcessAlive(record.pid)) return record.start === undefined || processStartTime(record.pid) === record.start;
  return isGroupAlive(record.pid);
}

async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  for (let waited = 0; waited < withinMs; waited += 100) {
    if (!isGroupAlive(pgid)) return true;
    await sleep(100);
  }
  return !isGroupAlive(pgid);
}

function parseRecord(text: string): ChildRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<ChildRecord>;
    return typeof record.pid === 'number' ? (record as ChildRecord) : undefined;
  } catch {
    return undefined;
  }
}
