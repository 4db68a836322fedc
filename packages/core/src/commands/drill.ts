import { resolve } from 'node:path';
import { ExitCode, PickupError, messageOf } from '../errors.js';
import { collectSecrets } from '../log/redact.js';
import type { Logger, PickupLogger } from '../log/logger.js';
import { drillBackups, type DrillRequest } from '../lifecycle/drill.js';
import { recordDrillMetrics } from '../metrics/record.js';
import { recordLastDrill } from '../runtime/last-drill.js';
import { notify } from '../notify/notify.js';
import { logDirOf } from '../pipeline/run.js';
import type { Plan } from '../plugin/plan.js';
import { formatDrillSummary } from '../report/drill-format.js';
import { summarizeDrill, type DrillSummary, type SourceDrillResult } from '../report/drill-summary.js';
import { lockConfig } from '../runtime/config-lock.js';
import { removeLeftoverRuns } from '../runtime/staging.js';
import { consoleLogger, guard, openPlan, type CommandOptions } from './session.js';
import { stopSignal } from './stop-signal.js';

export interface DrillCommandRequest extends CommandOptions, Partial<DrillRequest> {
  /** The version written into the summary, and sent as `pickup/<version>` to notifiers. */
  pickupVersion: string;
  /** Aborting it stops the drill cleanly: scratch space removed, lock released. */
  signal?: AbortSignal | undefined;
  /** Take SIGINT and SIGTERM: the first stops the drill cleanly, a second exits at once (exit 3). */
  handleSignals?: boolean | undefined;
  /** Called with the summary, before notifications are sent (to print it first). */
  onSummary?(summary: DrillSummary): void;
}

export interface DrillResult {
  exitCode: number;
  summary: DrillSummary;
}

/**
 * `pickup drill`: holding the config's lock, restores the newest backup of each source from each target
 * into scratch space and checks it (see `drillBackups`), then says how it went: the summary to the
 * caller, the metrics textfile, the notifiers whose `on` lists `drill-success` or `drill-failure`. Never throws.
 */
export async function pickupDrill(request: DrillCommandRequest): Promise<DrillResult> {
  const startedAt = new Date();
  const early = await consoleLogger(request);
  let plan: Plan | undefined;
  let logger: PickupLogger = early;
  let drills: SourceDrillResult[] = [];
  const problems: string[] = [];
  const stop = stopSignal(request, early.log);
  const exitCode = await guard(early.log, request.verbose ?? false, async () => {
    try {
      plan = await openPlan(request, early);
      logger = await consoleLogger(request, {
        file: { dir: logDirOf(plan), maxSize: plan.config.log.maxSize, maxFiles: plan.config.log.maxFiles },
        secrets: collectSecrets(plan.config),
      });
      drills = await drillHoldingLock(plan, request, logger.log, stop.signal);
      return drills.every((drill) => drill.status === 'ok') ? ExitCode.ok : ExitCode.partial;
    } catch (error) {
      problems.push(messageOf(error));
      throw error;
    }
  });
  stop.dispose();
  const summary = summarizeDrill(
    {
      config: plan?.file ?? (request.config ? resolve(request.config) : ''),
      pickupVersion: request.pickupVersion,
      startedAt,
    },
    exitCode,
    drills,
    problems,
  );
  try {
    request.onSummary?.(summary);
  } catch (error) {
    logger.log.error({ err: error }, `internal error in onSummary: ${messageOf(error)}`);
  }
  if (plan) {
    await recordDrillMetrics(plan, summary, logger.log);
    await announce(plan, summary, logger.log, request.pickupVersion);
  }
  if (logger !== early) await logger.close();
  await early.close();
  return { exitCode, summary };
}

async function drillHoldingLock(
  plan: Plan,
  request: DrillCommandRequest,
  log: Logger,
  signal: AbortSignal,
): Promise<SourceDrillResult[]> {
  const lock = await lockConfig(plan, log);
  try {
    const leftovers = await removeLeftoverRuns(lock.configStaging);
    if (leftovers.length > 0) log.warn(`removed staging left by an interrupted command: ${leftovers.join(', ')}`);
    const which = { sources: request.sources ?? [], target: request.target };
    const drills = await drillBackups(plan, which, { configStaging: lock.configStaging, log, signal });
    await recordLastDrill(plan.file, new Date().toISOString(), drills);
    return drills;
  } catch (error) {
    // Stopped by a signal: the scratch space is gone by now (each step removes its own as it unwinds).
    if (signal.aborted)
      throw new PickupError(
        `${messageOf(signal.reason)}: the drill stopped, its scratch space removed`,
        ExitCode.fatal,
      );
    throw error;
  } finally {
    await lock.release();
  }
}

/** The notifiers whose `on` lists the drill's event hear of it. */
async function announce(plan: Plan, summary: DrillSummary, log: Logger, pickupVersion: string): Promise<void> {
  const failed = summary.drills.filter((drill) => drill.status === 'failed');
  await notify(
    plan.config.notify,
    {
      event: summary.outcome === 'success' ? 'drill-success' : 'drill-failure',
      document: summary,
      mail: {
        host: summary.host,
        subject: summary.outcome === 'success' ? 'drill succeeded' : 'drill failed',
        text: formatDrillSummary(summary),
        problems: [
          ...failed.flatMap((drill) =>
            drill.problems.map((problem) => `${drill.source} from ${drill.target}: ${problem}`),
          ),
          ...summary.problems,
        ],
        config: summary.config,
        pickupVersion: summary.pickupVersion,
      },
      lockedOut: summary.exitCode === ExitCode.locked,
    },
    log,
    `pickup/${pickupVersion}`,
  );
}
