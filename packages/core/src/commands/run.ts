import { resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import { findConfigFile } from '../config/find.js';
import type { LoadedConfig } from '../config/load.js';
import type { Logger, PickupLogger } from '../log/logger.js';
import { collectSecrets } from '../log/redact.js';
import { recordRunMetrics } from '../metrics/record.js';
import type { ProgressListener } from '../model/progress.js';
import { notifyEnd, notifyStart } from '../notify/notify.js';
import { logDirOf, runBackup, type RunReport } from '../pipeline/run.js';
import { buildPlan, type Plan } from '../plugin/plan.js';
import { summarizeFailure, summaryOf, type RunSummary } from '../report/summary.js';
import { consoleLogger, guard, openConfig, type CommandOptions } from './session.js';
import { stopSignal } from './stop-signal.js';

export interface RunRequest extends CommandOptions {
  /** Back up only these sources (by name); all when empty or absent. */
  only?: readonly string[] | undefined;
  /** The version written into manifests and summaries, and sent as `pickup/<version>` to notifiers. */
  pickupVersion: string;
  /** Aborting it stops the run cleanly: staging removed, lock released, the summary says interrupted. */
  signal?: AbortSignal | undefined;
  /**
   * Take SIGINT and SIGTERM for this run: the first stops it cleanly, a second exits at once (exit 3).
   * For a program that is Pickup; a program embedding the run passes `signal` instead.
   */
  handleSignals?: boolean | undefined;
  /** Told how each source and target is getting on, for a live display. */
  progress?: ProgressListener | undefined;
  /** Called with the plan once the config is loaded, before the run (to lay out a live display). */
  onPlan?(plan: Plan): void;
  /** Called as soon as the run is over, before a word is said of it (to take a live display down). */
  onRunEnd?(): void;
  /** Called with the summary, before notifications are sent (to print it first). */
  onSummary?(summary: RunSummary): void;
}

export interface RunResult {
  exitCode: number;
  /** What the run did (also for a run that could not start: then without a run id). */
  summary: RunSummary;
}

/**
 * `pickup run` as one call: the config, the log file, the lock, the run's hooks, every source, encryption,
 * every target and its retention, the summary, the notifications, and signals when asked. Never throws:
 * whatever goes wrong is logged and comes back as the exit code and the summary.
 */
export async function pickupRun(request: RunRequest): Promise<RunResult> {
  const verbose = request.verbose ?? false;
  const startedAt = new Date();
  const early = await consoleLogger(request);
  const userAgent = `pickup/${request.pickupVersion}`;
  const failure = (from: { file: string; config?: object | undefined }, code: number, error: unknown) =>
    summarizeFailure(
      {
        config: from.file,
        pickupVersion: request.pickupVersion,
        startedAt,
        secrets: collectSecrets(from.config ?? {}),
      },
      code,
      error,
    );

  let loaded: LoadedConfig | undefined;
  let plan: Plan | undefined;
  let openError: unknown;
  const opened = await guard(early.log, verbose, async () => {
    try {
      loaded = await openConfig(request, early);
      plan = await buildPlan(loaded);
      return ExitCode.ok;
    } catch (error) {
      openError = error;
      throw error;
    }
  });
  if (!plan) {
    const summary = failure({ file: loaded?.file ?? configFileOf(request), config: loaded?.config }, opened, openError);
    return finish(early, opened, summary, {
      request,
      notifiers: loaded?.config.notify ?? [],
      log: early.log,
      userAgent,
    });
  }

  const logDir = logDirOf(plan);
  let logger: PickupLogger;
  try {
    logger = await consoleLogger(request, {
      file: { dir: logDir, maxSize: plan.config.log.maxSize, maxFiles: plan.config.log.maxFiles },
      secrets: collectSecrets(plan.config),
    });
  } catch (error) {
    early.log.error(`cannot write the log folder ${logDir}: ${(error as Error).message}; set log.dir in ${plan.file}`);
    const summary = failure(plan, ExitCode.fatal, error);
    await recordRunMetrics(plan, summary, early.log);
    return finish(early, ExitCode.fatal, summary, {
      request,
      notifiers: plan.config.notify,
      log: early.log,
      userAgent,
    });
  }
  const { log } = logger;
  const notifiers = plan.config.notify;
  const stop = stopSignal(request, log);
  told(log, 'onPlan', () => request.onPlan?.(plan!));
  let summary: RunSummary | undefined;
  let backupsHeld = new Map<string, number>();
  let runError: unknown;
  const code = await guard(log, verbose, async () => {
    try {
      const result = await runBackup(plan!, {
        log,
        only: request.only ?? [],
        pickupVersion: request.pickupVersion,
        signal: stop.signal,
        progress: request.progress,
        onStart: () => notifyStart(notifiers, log, userAgent),
      }).finally(() => told(log, 'onRunEnd', () => request.onRunEnd?.()));
      sayHowItWent(result, log);
      summary = result.summary;
      backupsHeld = heldAt(result);
      return result.exitCode;
    } catch (error) {
      runError = error;
      throw error;
    }
  });
  stop.dispose();
  // A run that stopped as a whole says how far it got; one that never got the lock, only why.
  summary ??= summaryOf(runError) ?? failure(plan, code, runError);
  await recordRunMetrics(plan, summary, log, backupsHeld);
  await announce(summary, { request, notifiers, log, userAgent });
  await logger.close();
  await early.close();
  return { exitCode: code, summary };
}

interface Announcement {
  request: RunRequest;
  notifiers: LoadedConfig['config']['notify'];
  log: Logger;
  userAgent: string;
}

/** The summary to the caller, then to whoever `notify` names. */
async function announce(summary: RunSummary, how: Announcement): Promise<void> {
  told(how.log, 'onSummary', () => how.request.onSummary?.(summary));
  await notifyEnd(how.notifiers, summary, how.log, how.userAgent);
}

async function finish(logger: PickupLogger, code: number, summary: RunSummary, how: Announcement): Promise<RunResult> {
  await announce(summary, how);
  await logger.close();
  return { exitCode: code, summary };
}

/** Calls a caller's callback: what it throws is logged, and the run goes on (it must end cleanly). */
function told(log: Logger, name: string, callback: () => void): void {
  try {
    callback();
  } catch (error) {
    log.error({ err: error }, `internal error in ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The config file a command would load (absolute), or '' when none is found. */
function configFileOf(options: CommandOptions): string {
  try {
    return resolve(findConfigFile({ explicit: options.config }));
  } catch {
    return '';
  }
}

/** The complete backups each target holds, where retention listed them after the push. */
function heldAt(report: RunReport): Map<string, number> {
  return new Map(report.targets.flatMap((target) => (target.held === undefined ? [] : [[target.name, target.held]])));
}

/** One line on how the run went: information when all went well, a warning naming what failed otherwise. */
function sayHowItWent(report: RunReport, log: Logger): void {
  const failedSources = report.manifest.sources.filter((source) => source.status !== 'ok');
  const stored = report.targets.filter((target) => target.status === 'ok');
  const failedTargets = report.targets.filter((target) => target.status === 'failed');
  if (report.exitCode === ExitCode.ok) {
    log.info(
      `backup ${report.runId} complete: ${report.manifest.sources.length} source(s), stored on ${stored.length} target(s)`,
    );
    return;
  }
  const problems = [
    ...failedSources.map((source) => `source ${source.name} ${source.status}`),
    ...failedTargets.map((target) => `target ${target.name} failed`),
    ...report.targets.filter((target) => target.pruneError).map((target) => `target ${target.name} retention failed`),
    ...report.summary.problems.flatMap((problem) =>
      /^(before|after) hook\b/.exec(problem) ? [`${problem.split(' ')[0]} hook failed`] : [],
    ),
  ];
  const where = stored.length > 0 ? `stored on ${stored.map((target) => target.name).join(', ')}` : 'stored nowhere';
  const how = stored.length > 0 ? 'partly failed' : 'failed';
  log.warn(`backup ${report.runId} ${how} (${problems.join(', ')}); ${where}; exit code ${report.exitCode}`);
}
