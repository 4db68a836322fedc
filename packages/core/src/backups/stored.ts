import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import { ConfigError, ExitCode, PickupError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { MANIFEST_FILE, type Manifest } from '../model/manifest.js';
import { parseManifest } from '../model/manifest-check.js';
import { pluginContext } from '../runtime/context.js';
import { runIdTime } from '../model/run-id.js';
import type { PluginContext, StoredEntry, Target } from '../plugin/types.js';

/** A backup at a target, with its manifest once read. */
export interface StoredBackup {
  id: string;
  runId: string;
  time: Date;
  /** Has its manifest: a backup. Without one it is the remains of a push that did not finish. */
  complete: boolean;
  manifest?: Manifest;
  /** Why its manifest could not be read; such a backup is never removed by retention. */
  damaged?: string;
}

/** A target as the lifecycle commands use it: its plugin calls, scoped and named. */
export interface TargetHandle {
  name: string;
  list(): Promise<StoredBackup[]>;
  remove(id: string): Promise<void>;
  read(id: string, path: string): Promise<Readable>;
  /** A shared store's cleanup (Target.reclaim); undefined for other targets. */
  reclaim?(): Promise<void>;
}

export function targetHandle(
  plan: Plan,
  planned: PlannedPlugin<Target>,
  log: Logger,
  signal: AbortSignal,
): TargetHandle {
  return handleOf(planned.name, planned.plugin, pluginContext(plan, planned, log, signal));
}

/** The handle of a target plugin called with `context` (what `targetHandle` does for a config's target). */
export function handleOf(name: string, target: Target, context: PluginContext<unknown>): TargetHandle {
  const handle: TargetHandle = {
    name,
    async list() {
      const entries = await target.list(context);
      // A few manifests at a time: a target may open a connection or start a program for each read.
      const limit = pLimit(MANIFEST_READS_AT_ONCE);
      const backups = await Promise.all(entries.map((entry) => limit(() => withManifest(handle, entry))));
      return backups.sort((a, b) => b.time.getTime() - a.time.getTime());
    },
    remove: (id) => target.remove({ ...context, id }),
    read: (id, path) => target.read({ ...context, id, path }),
    ...(target.reclaim ? { reclaim: () => target.reclaim!(context) } : {}),
  };
  return handle;
}

/** How many manifests `list` reads at once. */
const MANIFEST_READS_AT_ONCE = 4;

/** A listed backup with its manifest read, or why it cannot be (a damaged backup). */
async function withManifest(handle: TargetHandle, entry: StoredEntry): Promise<StoredBackup> {
  const backup: StoredBackup = { ...entry, time: runIdTime(entry.runId) };
  if (!entry.complete) return backup;
  try {
    backup.manifest = await readManifest(handle, entry.id);
  } catch (error) {
    backup.damaged = messageOf(error);
  }
  return backup;
}

/** A manifest is small; one larger than this is not one Pickup wrote. */
const MANIFEST_LIMIT = 64 * 1024 * 1024;

async function readManifest(handle: TargetHandle, id: string): Promise<Manifest> {
  return readManifestWith((path) => handle.read(id, path), id);
}

/** The manifest of backup `id`, through `read` (a file of that backup); rejects with why it cannot be one. */
export async function readManifestWith(read: (path: string) => Promise<Readable>, id: string): Promise<Manifest> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of await read(MANIFEST_FILE)) {
      bytes += (chunk as Buffer).length;
      if (bytes > MANIFEST_LIMIT) throw new Error(`its manifest is larger than ${MANIFEST_LIMIT / 1024 / 1024} MiB`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if ((error as Error).message.startsWith('its manifest')) throw error;
    throw new Error(`its manifest cannot be read: ${messageOf(error)}`);
  }
  return parseManifest(Buffer.concat(chunks).toString('utf8'), id);
}

/** The targets a command works on: `--target NAME`, or all of them. */
export function selectTargets(plan: Plan, name: string | undefined): PlannedPlugin<Target>[] {
  if (name === undefined) return plan.targets;
  const found = plan.targets.filter((target) => target.name === name);
  if (found.length === 0) {
    throw new ConfigError(
      `--target ${name}: no such target in ${plan.file} (its targets: ${plan.targets.map((t) => t.name).join(', ')})`,
    );
  }
  return found;
}

/** A newer backup that `latest` did not take, and why. */
export interface PassedOver {
  id: string;
  why: string;
}

/**
 * The complete backup `which` names (`latest` or an id) among `backups` (newest first), or a clear
 * error; a damaged one is an error (exit 1) whether named or the newest. `unusable` says why a backup
 * cannot be `latest` (a restore wants the newest backup where its source succeeded); the newer ones it
 * passed over are returned, for a line that says so.
 */
export function findBackup(
  backups: readonly StoredBackup[],
  which: string,
  targetName: string,
  unusable: (backup: StoredBackup) => string | undefined = () => undefined,
): { backup: StoredBackup; passedOver: PassedOver[] } {
  const complete = backups.filter((backup) => backup.complete);
  const damagedError = (backup: StoredBackup) =>
    new PickupError(`backup ${backup.id} at target ${targetName} is damaged: ${backup.damaged}`, ExitCode.partial);
  if (which !== 'latest') {
    const named = complete.find((backup) => backup.id === which);
    if (named?.damaged) throw damagedError(named);
    if (named) return { backup: named, passedOver: [] };
    const known =
      complete
        .filter((backup) => !backup.damaged)
        .slice(0, 5)
        .map((backup) => backup.id)
        .join(', ') || 'none';
    throw new ConfigError(`no backup ${which} at target ${targetName} (newest there: ${known}); see pickup list`);
  }
  const passedOver: PassedOver[] = [];
  for (const backup of complete) {
    if (backup.damaged) throw damagedError(backup);
    const why = unusable(backup);
    if (why === undefined) return { backup, passedOver };
    passedOver.push({ id: backup.id, why });
  }
  const why = passedOver.length > 0 ? ` to use (${describePassedOver(passedOver)})` : '';
  throw new ConfigError(`target ${targetName} holds no complete backup${why}`);
}

/** `2026-11-26T020000.000Z (source db failed in it), ...`, at most three. */
export function describePassedOver(passedOver: readonly PassedOver[]): string {
  const shown = passedOver.slice(0, 3).map(({ id, why }) => `${id} (${why})`);
  return `${shown.join(', ')}${passedOver.length > 3 ? ` and ${passedOver.length - 3} more` : ''}`;
}
