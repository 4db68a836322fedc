import { hostname } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Plan, PlannedPlugin } from '../config/plan.js';
import { ConfigError, ExitCode, PickupError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { collectSecrets, secretScrubber } from '../log/redact.js';
import type { Source } from '../plugin/types.js';
import { backupSource } from './backup-source.js';
import { acquireLock, type Lock } from './lock.js';
import { manifestFiles, MANIFEST_FILE, MANIFEST_FORMAT, writeManifest, type Manifest } from './manifest.js';
import { pushTarget, type TargetOutcome } from './push-target.js';
import { makeRunId } from './run-id.js';
import { createStaging, DEFAULT_STAGING_ROOT, prepareConfigStaging, removeLeftoverRuns } from './staging.js';

export interface RunOptions {
  log: Logger;
  /** Back up only these sources (by name). */
  only?: readonly string[];
  /** The version written into the manifest. */
  pickupVersion: string;
  signal?: AbortSignal;
  /** The clock; tests fake it. */
  now?: () => Date;
}

export interface RunReport {
  runId: string;
  manifest: Manifest;
  targets: TargetOutcome[];
  exitCode: ExitCode;
}

/**
 * One backup run: lock, stage every source, write the manifest, push to every target, clean up.
 * A failed source or target does not stop the others; only a failure of the run itself
 * (lock, staging) throws.
 */
export async function runBackup(plan: Plan, options: RunOptions): Promise<RunReport> {
  const { log } = options;
  const signal = options.signal ?? new AbortController().signal;
  const sources = selectSources(plan, options.only);
  const stagingRoot = stagingRootOf(plan);
  const { lock, configStaging } = await lockConfig(plan);
  try {
    const leftovers = await removeLeftoverRuns(configStaging);
    if (leftovers.length > 0) log.warn(`removed staging left by an interrupted run: ${leftovers.join(', ')}`);
    const started = (options.now ?? (() => new Date()))();
    const runId = makeRunId(started);
    const staging = await createStaging(configStaging, runId);
    try {
      log.info(`run ${runId}: ${sources.length} source(s), ${plan.targets.length} target(s)`);
      log.debug(`staging in ${staging.dir}`);
      const limit = pLimit(plan.config.concurrency);
      const outcomes = await Promise.all(sources.map((source) => limit(() => backupSource(plan, source, staging, log, signal))));
      throwIfInterrupted(signal);
      if (outcomes.some((outcome) => outcome.stagingFull)) {
        throw new PickupError(
          `the staging area ${stagingRoot} is full; nothing was pushed. Free space there or set "staging" in ${plan.file} to a larger disk`,
          ExitCode.fatal,
        );
      }
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        runId,
        host: hostname(),
        pickupVersion: options.pickupVersion,
        status: outcomes.every((outcome) => outcome.entry.status === 'ok') ? 'complete' : 'partial',
        ...(options.only && options.only.length > 0 ? { onlySources: sources.map((source) => source.name) } : {}),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        sources: outcomes.map((outcome) => outcome.entry),
      };
      // Problems quote error messages, which may quote a connection string: no secret goes into a backup's manifest.
      const scrub = secretScrubber(collectSecrets(plan.config));
      for (const source of manifest.sources) source.problems = source.problems.map(scrub);
      if (manifest.sources.every((source) => source.status === 'failed')) {
        log.error(`every source failed; nothing was pushed`);
        return { runId, manifest, targets: [], exitCode: ExitCode.partial };
      }
      await writeManifest(staging.dir, manifest);
      const run = { runId, dir: staging.dir, files: manifestFiles(manifest), manifestFile: MANIFEST_FILE, manifest };
      const targets = await Promise.all(plan.targets.map((target) => pushTarget(plan, target, run, log, signal)));
      throwIfInterrupted(signal);
      const failed = manifest.status !== 'complete' || targets.some((target) => target.status === 'failed' || target.pruneError);
      return { runId, manifest, targets, exitCode: failed ? ExitCode.partial : ExitCode.ok };
    } finally {
      await staging.remove();
    }
  } finally {
    await lock.release();
  }
}

/** The sources `--only` names (all without it); an unknown name is a usage error. */
export function selectSources(plan: Plan, only: readonly string[] | undefined): PlannedPlugin<Source>[] {
  if (!only || only.length === 0) return plan.sources;
  const unknown = only.filter((name) => !plan.sources.some((source) => source.name === name));
  if (unknown.length > 0) {
    const known = plan.sources.map((source) => source.name).join(', ');
    throw new ConfigError(`--only ${unknown.join(', ')}: no such source in ${plan.file} (its sources: ${known})`);
  }
  return plan.sources.filter((source) => only.includes(source.name));
}

/**
 * Takes the lock of a config (one run, or prune, at a time), in the config's staging folder.
 * Throws with exit code 4 when another process holds it.
 */
export async function lockConfig(plan: Plan): Promise<{ lock: Lock; configStaging: string }> {
  const configStaging = await prepareConfigStaging(stagingRootOf(plan), plan.file);
  return { lock: await acquireLock(join(configStaging, 'lock')), configStaging };
}

/** Where the debug log goes: `log.dir`, or `logs` beside the config file. */
export function logDirOf(plan: Plan): string {
  return plan.config.log.dir ? plan.resolvePath(plan.config.log.dir) : join(plan.dir, 'logs');
}

export function stagingRootOf(plan: Plan): string {
  return plan.config.staging ? plan.resolvePath(plan.config.staging) : DEFAULT_STAGING_ROOT;
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new PickupError('interrupted: the run stopped before its end; the lines above say what was stored and removed', ExitCode.fatal);
  }
}
