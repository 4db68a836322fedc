import { ExitCode } from '../errors.js';
import { pruneTarget } from '../backups/prune.js';
import { selectTargets, targetHandle } from '../backups/stored.js';
import type { Logger } from '../log/logger.js';
import { withCommandMetrics, type TargetFindings } from '../metrics/record.js';
import type { Plan } from '../plugin/plan.js';
import { lockConfig } from '../runtime/config-lock.js';
import { withPlan, type CommandOptions } from './session.js';

export interface PruneRequest extends CommandOptions {
  /** Only this target. */
  target?: string | undefined;
  /** Say what would be removed, and why; remove nothing. */
  dryRun?: boolean | undefined;
}

/**
 * `pickup prune`: applies each target's retention now, holding the config's lock so no run is under way.
 * Its outcome and the backups each target holds go to the metrics (not a dry run's: it changes nothing).
 */
export function pickupPrune(request: PruneRequest): Promise<number> {
  return withPlan(request, (plan, log) =>
    request.dryRun
      ? prune(plan, log, request)
      : withCommandMetrics(plan, log, 'prune', (found) => prune(plan, log, request, found)),
  );
}

async function prune(plan: Plan, log: Logger, request: PruneRequest, found?: TargetFindings): Promise<number> {
  const targets = selectTargets(plan, request.target);
  const lock = await lockConfig(plan, log);
  try {
    const signal = new AbortController().signal;
    let failed = false;
    for (const planned of targets) {
      if (!planned.retention) log.info({ target: planned.name }, 'no retention set: every backup is kept');
      try {
        const result = await pruneTarget(targetHandle(plan, planned, log, signal), planned.retention, log, {
          dryRun: request.dryRun ?? false,
        });
        const verb = request.dryRun ? 'would remove' : 'removed';
        log.info({ target: planned.name }, `${verb} ${result.removed.length} backup(s), ${result.kept} kept`);
        found?.backups.set(planned.name, result.held);
      } catch (error) {
        failed = true;
        log.error({ target: planned.name, err: error }, `retention failed: ${(error as Error).message}`);
      }
    }
    return failed ? ExitCode.partial : ExitCode.ok;
  } finally {
    await lock.release();
  }
}
