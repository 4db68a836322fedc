import type { Readable } from 'node:stream';
import type { Plan, PlannedPlugin } from '../config/plan.js';
import { ConfigError, ExitCode, PickupError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest } from '../pipeline/manifest.js';
import { pluginContext } from '../pipeline/context.js';
import { runIdTime } from '../pipeline/run-id.js';
import type { PluginContext, Target } from '../plugin/types.js';

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
}

export function targetHandle(plan: Plan, planned: PlannedPlugin<Target>, log: Logger, signal: AbortSignal): TargetHandle {
  return handleOf(planned.name, planned.plugin, pluginContext(plan, planned, log, signal));
}

/** The handle of a target plugin called with `context` (what `targetHandle` does for a config's target). */
export function handleOf(name: string, target: Target, context: PluginContext<unknown>): TargetHandle {
  const handle: TargetHandle = {
    name,
    async list() {
      const entries = await target.list(context);
      const backups = await Promise.all(
        entries.map(async (entry): Promise<StoredBackup> => {
          const backup: StoredBackup = { ...entry, time: runIdTime(entry.runId) };
          if (!entry.complete) return backup;
          try {
            backup.manifest = await readManifest(handle, entry.id);
          } catch (error) {
            backup.damaged = `its manifest cannot be read: ${messageOf(error)}`;
          }
          return backup;
        }),
      );
      return backups.sort((a, b) => b.time.getTime() - a.time.getTime());
    },
    remove: (id) => target.remove({ ...context, id }),
    read: (id, path) => target.read({ ...context, id, path }),
  };
  return handle;
}

async function readManifest(handle: TargetHandle, id: string): Promise<Manifest> {
  const chunks: Buffer[] = [];
  for await (const chunk of await handle.read(id, MANIFEST_FILE)) chunks.push(chunk as Buffer);
  const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`unknown format ${JSON.stringify(manifest.format)}`);
  if (manifest.runId !== id) throw new Error(`it describes run ${manifest.runId}`);
  return manifest;
}

/** The targets a command works on: `--target NAME`, or all of them. */
export function selectTargets(plan: Plan, name: string | undefined): PlannedPlugin<Target>[] {
  if (name === undefined) return plan.targets;
  const found = plan.targets.filter((target) => target.name === name);
  if (found.length === 0) {
    throw new ConfigError(`--target ${name}: no such target in ${plan.file} (its targets: ${plan.targets.map((t) => t.name).join(', ')})`);
  }
  return found;
}

/**
 * The complete backup `which` names (`latest` or an id) among `backups`, or a clear error. `usable`
 * narrows what `latest` may be (a restore wants the newest backup where its source succeeded).
 */
export function findBackup(
  backups: readonly StoredBackup[],
  which: string,
  targetName: string,
  usable: (backup: StoredBackup) => boolean = () => true,
): StoredBackup {
  const damaged = which !== 'latest' ? backups.find((backup) => backup.id === which && backup.damaged) : undefined;
  if (damaged) throw new PickupError(`backup ${which} at target ${targetName} is damaged: ${damaged.damaged}`, ExitCode.partial);
  const complete = backups.filter((backup) => backup.complete && !backup.damaged);
  const found = which === 'latest' ? complete.find(usable) : complete.find((backup) => backup.id === which);
  if (found) return found;
  const known = complete.slice(0, 5).map((backup) => backup.id).join(', ') || 'none';
  throw new ConfigError(
    which === 'latest'
      ? `target ${targetName} holds no complete backup`
      : `no backup ${which} at target ${targetName} (newest there: ${known}); see pickup list`,
  );
}
