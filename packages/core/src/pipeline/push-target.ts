import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { Logger } from '../log/logger.js';
import type { StagedRun, Target } from '../plugin/types.js';
import { pruneTarget } from '../backups/prune.js';
import { targetHandle } from '../backups/stored.js';
import { describePluginError, pluginContext } from '../runtime/context.js';
import { formatBytes } from '../model/format.js';
import type { ProgressListener } from '../model/progress.js';
import type { TargetOutcome } from '../report/outcome.js';

/** Pushes the staged run to one target. Never throws: a failed target is reported, the others go on. */
export async function pushTarget(
  plan: Plan,
  planned: PlannedPlugin<Target>,
  run: StagedRun,
  log: Logger,
  signal: AbortSignal,
  progress?: ProgressListener,
): Promise<TargetOutcome> {
  const started = Date.now();
  const outcome = await pushAndPrune(plan, planned, run, log, signal, progress);
  outcome.durationMs = Date.now() - started;
  progress?.({ kind: 'target', name: planned.name, phase: outcome.status === 'ok' ? 'done' : 'failed' });
  return outcome;
}

async function pushAndPrune(
  plan: Plan,
  planned: PlannedPlugin<Target>,
  run: StagedRun,
  log: Logger,
  signal: AbortSignal,
  progress: ProgressListener | undefined,
): Promise<TargetOutcome> {
  const context = pluginContext(plan, planned, log, signal);
  const outcome: TargetOutcome = { name: planned.name, plugin: planned.package.name, status: 'ok' };
  const bytes = run.files.reduce((sum, file) => sum + file.size, 0);
  context.log.debug(
    `pushing ${run.files.length} file(s), ${formatBytes(bytes)}, with ${planned.package.name} ${planned.package.version}`,
  );
  const totals = { totalBytes: bytes, totalFiles: run.files.length };
  progress?.({ kind: 'target', name: planned.name, phase: 'running', ...totals });
  try {
    const pushed = await planned.plugin.push({
      ...context,
      run,
      progress: (update) => progress?.({ ...totals, ...update, kind: 'target', name: planned.name, phase: 'running' }),
    });
    outcome.linkedBytes = pushed?.linkedBytes ?? 0;
    const linked =
      outcome.linkedBytes > 0
        ? `, ${formatBytes(outcome.linkedBytes)} of it linked to the previous backup, not written`
        : '';
    context.log.info(`stored backup ${run.runId} (${run.files.length} file(s), ${formatBytes(bytes)}${linked})`);
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = describePluginError(plan, planned, error);
    context.log.error({ err: error }, `failed: ${outcome.error}`);
    return outcome;
  }
  // Without a policy every backup is kept anyway: nothing worth saying.
  if (run.manifest.status !== 'complete') {
    if (planned.retention) context.log.warn('retention skipped: this backup is partial, so every older one is kept');
    return outcome;
  }
  if (run.manifest.onlySources) {
    if (planned.retention)
      context.log.info('retention skipped: this backup holds only some sources (--only), so every older one is kept');
    return outcome;
  }
  if (signal.aborted) return outcome;
  try {
    const pruned = await pruneTarget(targetHandle(plan, planned, log, signal), planned.retention, log);
    outcome.removed = pruned.removed;
    outcome.held = pruned.held;
  } catch (error) {
    outcome.pruneError = describePluginError(plan, planned, error);
    context.log.error({ err: error }, `retention failed: ${outcome.pruneError}`);
  }
  return outcome;
}
