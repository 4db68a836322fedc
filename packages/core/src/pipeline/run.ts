import { hostname } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import { ConfigError, ExitCode, isPickupError, messageOf, PickupError } from '../errors.js';
import type { EncryptionKeys } from '../encryption/age-stream.js';
import { loadPlanEncryption, warnAboutKeys } from '../encryption/keys.js';
import { runScopeHook, type HookScope } from '../hooks/hooks.js';
import {
  attachSummary,
  summarizeFailure,
  summarizeRun,
  type RunSummary,
  type SummaryContext,
} from '../report/summary.js';
import type { Logger } from '../log/logger.js';
import { collectSecrets, secretScrubber } from '../log/redact.js';
import type { Source, Target } from '../plugin/types.js';
import { backupSource, type SourceOutcome } from './backup-source.js';
import { warnAboutCredentials } from './credentials.js';
import { warnAboutSharedStores } from './shared-store.js';
import { lockConfig, stagingRootOf } from '../runtime/config-lock.js';
import { manifestFiles, MANIFEST_FILE, MANIFEST_FORMAT, writeManifest, type Manifest } from '../model/manifest.js';
import type { ProgressListener } from '../model/progress.js';
import { pushTarget } from './push-target.js';
import type { TargetOutcome } from '../report/outcome.js';
import { makeRunId } from '../model/run-id.js';
import { createStaging, removeLeftoverRuns } from '../runtime/staging.js';

export interface RunOptions {
  log: Logger;
  /** Back up only these sources (by name). */
  only?: readonly string[];
  /** The version written into the manifest. */
  pickupVersion: string;
  signal?: AbortSignal;
  /** The clock; tests fake it. */
  now?: () => Date;
  /** Told how each source and target is getting on, for a live display. */
  progress?: ProgressListener;
  /** Called once the run holds the lock and has its id, before anything is done (a start ping). */
  onStart?(runId: string): Promise<void>;
}

export interface RunReport {
  runId: string;
  manifest: Manifest;
  targets: TargetOutcome[];
  exitCode: ExitCode;
  /** What the run did, as `pickup run --json` prints it and notifications send it. */
  summary: RunSummary;
}

/**
 * One backup run: lock, the run's before hook, stage every source, write the manifest, push to every
 * target, the run's after hook, clean up. A failed source or target does not stop the others; only
 * a failure of the run itself (lock, staging, interruption) throws, and then the after hook has run.
 */
export async function runBackup(plan: Plan, options: RunOptions): Promise<RunReport> {
  const { log } = options;
  const signal = options.signal ?? new AbortController().signal;
  const sources = selectSources(plan, options.only);
  const encryption = await encryptionOf(plan, log);
  const lock = await lockConfig(plan, log);
  const { configStaging } = lock;
  try {
    const leftovers = await removeLeftoverRuns(configStaging);
    if (leftovers.length > 0) log.warn(`removed staging left by an interrupted run: ${leftovers.join(', ')}`);
    await warnAboutCredentials(plan, sources, log, signal);
    warnAboutSharedStores(plan, sources, log);
    const started = (options.now ?? (() => new Date()))();
    const runId = makeRunId(started);
    const summaryContext: SummaryContext = {
      config: plan.file,
      pickupVersion: options.pickupVersion,
      startedAt: started,
      secrets: collectSecrets(plan.config),
    };
    const hooks: HookScope = {
      hooks: plan.config.hooks,
      of: 'run',
      cwd: plan.dir,
      env: { PICKUP_RUN_ID: runId, PICKUP_CONFIG: plan.file },
      log,
      signal,
    };
    await options.onStart?.(runId);
    const frame: RunFrame = {
      ...options,
      signal,
      runId,
      started,
      configStaging,
      hooks,
      summaryContext,
      encryption,
      reached: {},
    };
    let report: RunReport;
    try {
      report = await stageAndPush(plan, sources, frame);
    } catch (error) {
      // The run stopped as a whole: say as much as is known of it, to the after hook and to the caller.
      const exitCode = isPickupError(error) ? error.exitCode : ExitCode.fatal;
      const { manifest, targets } = frame.reached;
      const summary = manifest
        ? summarizeRun(summaryContext, {
            runId,
            manifest,
            targets: targets ?? plan.targets.map(skipped),
            exitCode,
            problems: [messageOf(error)],
          })
        : summarizeFailure(summaryContext, exitCode, error, runId);
      const afterProblem = await runScopeHook(hooks, 'after', afterHookInput(summary));
      if (afterProblem) {
        log.error(afterProblem);
        summary.problems.push(afterProblem);
      }
      throw attachSummary(error, summary);
    }
    const afterProblem = await runScopeHook(hooks, 'after', afterHookInput(report.summary));
    if (!afterProblem) return report;
    log.error(afterProblem);
    const exitCode = report.exitCode === ExitCode.ok ? ExitCode.partial : report.exitCode;
    const problems = [...report.summary.problems, afterProblem];
    return { ...report, exitCode, summary: summarizeRun(summaryContext, { ...report, exitCode, problems }) };
  } finally {
    await lock.release();
  }
}

interface RunFrame extends RunOptions {
  signal: AbortSignal;
  runId: string;
  started: Date;
  configStaging: string;
  hooks: HookScope;
  summaryContext: SummaryContext;
  encryption: EncryptionKeys | undefined;
  /** How far the run got, for the summary of a run that stops as a whole. */
  reached: { manifest?: Manifest; targets?: TargetOutcome[] };
}

/** The run between its hooks, in its own staging folder (removed at the end, whatever happened). */
async function stageAndPush(plan: Plan, sources: PlannedPlugin<Source>[], frame: RunFrame): Promise<RunReport> {
  const { log, signal, runId } = frame;
  const stagingRoot = stagingRootOf(plan);
  const staging = await createStaging(frame.configStaging, runId);
  try {
    log.info(`run ${runId}: ${sources.length} source(s), ${plan.targets.length} target(s)`);
    log.debug(`staging in ${staging.dir}`);
    const problems: string[] = [];
    const beforeProblem = await runScopeHook(frame.hooks, 'before');
    if (beforeProblem && signal.aborted) log.error(beforeProblem);
    throwIfInterrupted(signal);
    let outcomes: SourceOutcome[];
    if (beforeProblem) {
      problems.push(beforeProblem);
      log.error(`${beforeProblem}; no source was backed up`);
      outcomes = sources.map((source) => notRun(source, `not backed up: ${beforeProblem}`));
    } else {
      const sourceRun = {
        staging,
        log,
        signal,
        hookEnv: frame.hooks.env,
        progress: frame.progress,
        encryption: frame.encryption,
      };
      const limit = pLimit(plan.config.concurrency);
      outcomes = await Promise.all(sources.map((source) => limit(() => backupSource(plan, source, sourceRun))));
    }
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
      pickupVersion: frame.pickupVersion,
      status: outcomes.every((outcome) => outcome.entry.status === 'ok') ? 'complete' : 'partial',
      ...(frame.only && frame.only.length > 0 ? { onlySources: sources.map((source) => source.name) } : {}),
      startedAt: frame.started.toISOString(),
      finishedAt: new Date().toISOString(),
      ...(frame.encryption
        ? {
            encryption: {
              format: 'age',
              recipients: frame.encryption.recipients,
              passphrase: frame.encryption.passphrase !== undefined,
            },
          }
        : {}),
      sources: outcomes.map((outcome) => outcome.entry),
    };
    // Problems quote error messages, which may quote a connection string: no secret goes into a backup's manifest.
    const scrub = secretScrubber(collectSecrets(plan.config));
    for (const source of manifest.sources) source.problems = source.problems.map(scrub);
    const finish = (targets: TargetOutcome[], exitCode: ExitCode): RunReport => ({
      runId,
      manifest,
      targets,
      exitCode,
      summary: summarizeRun(frame.summaryContext, { runId, manifest, targets, exitCode, problems }),
    });
    if (manifest.sources.every((source) => source.status === 'failed')) {
      if (!beforeProblem) log.error(`every source failed; nothing was pushed`);
      problems.push('nothing was pushed: no source was backed up');
      return finish(
        plan.targets.map((target) => skipped(target)),
        ExitCode.partial,
      );
    }
    await writeManifest(staging.dir, manifest);
    const run = { runId, dir: staging.dir, files: manifestFiles(manifest), manifestFile: MANIFEST_FILE, manifest };
    frame.reached.manifest = manifest;
    const targets = await Promise.all(
      plan.targets.map((target) => pushTarget(plan, target, run, log, signal, frame.progress)),
    );
    frame.reached.targets = targets;
    throwIfInterrupted(signal);
    const failed =
      manifest.status !== 'complete' || targets.some((target) => target.status === 'failed' || target.pruneError);
    return finish(targets, failed ? ExitCode.partial : ExitCode.ok);
  } finally {
    await staging.remove();
  }
}

/** A source the run did not start (its before hook failed). */
function notRun(source: PlannedPlugin<Source>, problem: string): SourceOutcome {
  const now = new Date().toISOString();
  const entry = {
    name: source.name,
    plugin: source.package.name,
    pluginVersion: source.package.version,
    status: 'failed' as const,
    problems: [problem],
    startedAt: now,
    finishedAt: now,
    files: [],
  };
  return { entry, stagingFull: false };
}

function skipped(target: PlannedPlugin<Target>): TargetOutcome {
  return { name: target.name, plugin: target.package.name, status: 'skipped', durationMs: 0 };
}

/** The run's after hook learns how it went from PICKUP_STATUS and PICKUP_EXIT_CODE, and the summary on stdin. */
function afterHookInput(summary: RunSummary): { env: Record<string, string>; stdin: string } {
  return {
    env: { PICKUP_STATUS: summary.outcome, PICKUP_EXIT_CODE: String(summary.exitCode) },
    stdin: `${JSON.stringify(summary, null, 2)}\n`,
  };
}

/**
 * The run's encryption, its keys read and checked before anything is done (a bad recipient or a
 * missing passphrase file is a config error). Warns about a private key named in the config.
 */
async function encryptionOf(plan: Plan, log: Logger): Promise<EncryptionKeys | undefined> {
  const config = plan.config.encryption;
  if (!config) return undefined;
  await warnAboutKeys(plan, config, log);
  const encryption = await loadPlanEncryption(plan, config);
  log.debug(
    `encrypting with age to ${encryption.passphrase !== undefined ? 'a passphrase' : encryption.recipients.join(', ')}`,
  );
  return encryption;
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

/** Where the debug log goes: `log.dir`, or `logs` beside the config file. */
export function logDirOf(plan: Plan): string {
  return plan.config.log.dir ? plan.resolvePath(plan.config.log.dir) : join(plan.dir, 'logs');
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new PickupError(
      'interrupted: the run stopped before its end; the lines above say what was stored and removed',
      ExitCode.fatal,
    );
  }
}
