import { basename } from 'node:path';
import { ExitCode, errnoCode, isPickupError, messageOf } from '../errors.js';
import { OUTCOMES } from '../config/notify-schema.js';
import type { Logger } from '../log/logger.js';
import type { Plan } from '../plugin/plan.js';
import type { DrillSummary } from '../report/drill-summary.js';
import type { RunSummary } from '../report/summary.js';
import type { Labels, SampleSet } from './samples.js';
import { updateTextfile } from './textfile.js';

export type MeteredCommand = 'run' | 'drill' | 'prune' | 'verify';

/** What `pickup prune` and `pickup verify` learn of each target, for the metrics. */
export interface TargetFindings {
  /** Complete backups at each target listed. */
  backups: Map<string, number>;
  /** Whether the backup verified at each target was intact. */
  verified: Map<string, boolean>;
}

/**
 * After `pickup run`: the run's outcome, each source's and target's, and the backups each target holds
 * after retention (`backups`, from the listing retention made). A run that stopped as a whole (the
 * lock held) has no sources or targets: only its outcome changes.
 */
export async function recordRunMetrics(
  plan: Plan,
  summary: RunSummary,
  log: Logger,
  backups: ReadonlyMap<string, number> = new Map(),
): Promise<void> {
  await updateMetrics(plan, log, (samples, config) => {
    const at = secondsOf(summary.finishedAt);
    recordCommand(samples, config, 'run', summary.exitCode, summary.durationMs, at);
    enumerate(samples, 'pickup_run_outcome', { config }, 'outcome', OUTCOMES, summary.outcome);
    const stored = summary.targets.some((target) => target.status === 'ok');
    for (const source of summary.sources) {
      const labels = { config, source: source.name };
      recordOutcome(samples, 'pickup_source', labels, source.status === 'ok' && stored, at);
      enumerate(samples, 'pickup_source_status', labels, 'status', ['ok', 'partial', 'failed'], source.status);
      samples.set('pickup_source_bytes', labels, source.bytes);
      samples.set('pickup_source_files', labels, source.files);
      samples.set('pickup_source_duration_seconds', labels, source.durationMs / 1000);
    }
    for (const target of summary.targets) {
      const labels = { config, target: target.name };
      recordOutcome(samples, 'pickup_target', labels, target.status === 'ok', at);
      enumerate(samples, 'pickup_target_status', labels, 'status', ['ok', 'failed', 'skipped'], target.status);
      samples.set('pickup_target_duration_seconds', labels, target.durationMs / 1000);
      samples.set('pickup_target_sent_bytes', labels, target.sentBytes);
      samples.set('pickup_target_linked_bytes', labels, target.linkedBytes);
    }
    recordBackups(samples, config, backups);
  });
}

/** After `pickup drill`: its outcome, and each source's drill from each target. */
export async function recordDrillMetrics(plan: Plan, summary: DrillSummary, log: Logger): Promise<void> {
  await updateMetrics(plan, log, (samples, config) => {
    const at = secondsOf(summary.finishedAt);
    recordCommand(samples, config, 'drill', summary.exitCode, summary.durationMs, at);
    for (const drill of summary.drills) {
      const labels = { config, source: drill.source, target: drill.target };
      recordOutcome(samples, 'pickup_drill', labels, drill.status === 'ok', at);
      samples.set('pickup_drill_duration_seconds', labels, drill.durationMs / 1000);
    }
  });
}

/**
 * Runs the body of `pickup prune` or `pickup verify` (which fills in `findings`), then records its
 * outcome, also when it throws (the lock held: a failure): its exit code, and what it found per target.
 */
export async function withCommandMetrics(
  plan: Plan,
  log: Logger,
  command: 'prune' | 'verify',
  body: (findings: TargetFindings) => Promise<number>,
): Promise<number> {
  const started = Date.now();
  const findings: TargetFindings = { backups: new Map(), verified: new Map() };
  let exitCode: number = ExitCode.fatal;
  try {
    exitCode = await body(findings);
    return exitCode;
  } catch (error) {
    if (isPickupError(error)) exitCode = error.exitCode;
    throw error;
  } finally {
    const ended = Date.now();
    await updateMetrics(plan, log, (samples, config) => {
      recordCommand(samples, config, command, exitCode, ended - started, ended / 1000);
      recordBackups(samples, config, findings.backups);
      for (const [target, intact] of findings.verified)
        recordOutcome(samples, 'pickup_verify', { config, target }, intact, ended / 1000);
    });
  }
}

/** The metrics textfile of a config, resolved against its folder; undefined when it sets none. */
export function textfileOf(plan: Plan): string | undefined {
  return plan.config.metrics ? plan.resolvePath(plan.config.metrics.textfile) : undefined;
}

/** One line saying why the textfile cannot be written, the field to fix, and what to do. */
export function describeTextfileProblem(plan: Plan, textfile: string, failure: unknown): string {
  const field = `metrics.textfile in ${plan.file}`;
  // The lock's error holds the system's as its cause.
  const error = errnoCode(failure) ? failure : ((failure as { cause?: unknown } | null)?.cause ?? failure);
  const code = errnoCode(error);
  if (code === 'ENOENT')
    return `cannot write the metrics textfile ${textfile}: its folder does not exist; create it (node_exporter's --collector.textfile.directory) or fix ${field}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const why = code === 'EROFS' ? 'its folder is on a read-only file system' : 'permission denied in its folder';
    return `cannot write the metrics textfile ${textfile}: ${why}; let the user Pickup runs as write there (${basename(textfile)} and its .json and .lock), or fix ${field}`;
  }
  return `cannot write the metrics textfile ${textfile} (${field}): ${messageOf(error)}`;
}

/**
 * Applies `update` to the config's textfile, if it has one, and drops the samples of sources and targets
 * the config no longer has. A failure is a warning: metrics never change how a command went.
 */
async function updateMetrics(plan: Plan, log: Logger, update: (samples: SampleSet, config: string) => void) {
  const textfile = textfileOf(plan);
  if (!textfile) return;
  const config = plan.file;
  const sources = new Set(plan.sources.map((source) => source.name));
  const targets = new Set(plan.targets.map((target) => target.name));
  try {
    await updateTextfile(textfile, (samples) => {
      update(samples, config);
      samples.remove(
        ({ labels }) =>
          labels.config === config &&
          ((labels.source !== undefined && !sources.has(labels.source)) ||
            (labels.target !== undefined && !targets.has(labels.target))),
      );
    });
  } catch (error) {
    log.warn(describeTextfileProblem(plan, textfile, error));
  }
}

function recordCommand(
  samples: SampleSet,
  config: string,
  command: MeteredCommand,
  exitCode: number,
  durationMs: number,
  at: number,
): void {
  const labels = { config, command };
  recordOutcome(samples, 'pickup_command', labels, exitCode === ExitCode.ok, at);
  samples.set('pickup_command_exit_code', labels, exitCode);
  samples.set('pickup_command_duration_seconds', labels, durationMs / 1000);
}

/** `<prefix>_success`, `_last_timestamp_seconds`, and `_last_success_timestamp_seconds` (kept on a failure; 0: never). */
function recordOutcome(samples: SampleSet, prefix: string, labels: Labels, ok: boolean, at: number): void {
  samples.set(`${prefix}_success`, labels, ok ? 1 : 0);
  samples.set(`${prefix}_last_timestamp_seconds`, labels, at);
  if (ok) samples.set(`${prefix}_last_success_timestamp_seconds`, labels, at);
  else samples.setIfAbsent(`${prefix}_last_success_timestamp_seconds`, labels, 0);
}

/** One sample per possible value of `label`: 1 for `current`, 0 for the others (alerts need not know the values). */
function enumerate(
  samples: SampleSet,
  name: string,
  labels: Labels,
  label: string,
  values: readonly string[],
  current: string,
): void {
  for (const value of values) samples.set(name, { ...labels, [label]: value }, value === current ? 1 : 0);
}

function recordBackups(samples: SampleSet, config: string, backups: ReadonlyMap<string, number>): void {
  for (const [target, count] of backups) samples.set('pickup_target_backups', { config, target }, count);
}

function secondsOf(iso: string): number {
  return Date.parse(iso) / 1000;
}
