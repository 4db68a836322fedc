import { hostname } from 'node:os';
import { ExitCode, messageOf } from '../errors.js';
import { scrubStrings } from '../log/redact.js';
import type { Outcome } from '../config/notify-schema.js';
import type { Manifest, SourceStatus } from '../model/manifest.js';
import type { TargetOutcome } from './outcome.js';

export const SUMMARY_FORMAT = 'pickup-run-summary/1';

/** What a run did, for people (`formatSummary`), scripts (`pickup run --json`), hooks and webhooks. */
export interface RunSummary {
  format: typeof SUMMARY_FORMAT;
  /** success: stored everywhere; partial: stored somewhere, with problems; failure: stored nowhere. */
  outcome: Outcome;
  exitCode: number;
  exitMeaning: string;
  /** Absent when the run stopped before it had one (locked, bad config). */
  runId?: string;
  host: string;
  config: string;
  pickupVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Problems of the run itself: a failed hook, the reason it stopped. */
  problems: string[];
  sources: SourceSummary[];
  targets: TargetSummary[];
}

export interface SourceSummary {
  name: string;
  status: SourceStatus;
  files: number;
  bytes: number;
  durationMs: number;
  problems: string[];
}

export interface TargetSummary {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  /** Bytes written to the target (the backup's size less what was linked). */
  sentBytes: number;
  /** Bytes linked to the previous backup instead of sent. */
  linkedBytes: number;
  durationMs: number;
  /** Backups retention removed after this push. */
  removed: string[];
  problems: string[];
}

const EXIT_MEANINGS: Record<number, string> = {
  [ExitCode.ok]: 'every source backed up and stored on every target',
  [ExitCode.partial]: 'some source, target or hook failed, or a source was partial',
  [ExitCode.usage]: 'the config or the command line is wrong; nothing was done',
  [ExitCode.fatal]: 'Pickup could not go on; nothing (more) was pushed',
  [ExitCode.locked]: 'another run of this config holds the lock; nothing was done',
};

export function exitMeaning(code: number): string {
  return EXIT_MEANINGS[code] ?? 'unknown exit code';
}

export interface SummaryContext {
  config: string;
  pickupVersion: string;
  startedAt: Date;
  /** The config's secrets: blanked wherever a problem quotes one (the summary leaves the machine). */
  secrets?: Iterable<string>;
  /** The clock, for the end time; tests fake it. */
  now?: () => Date;
}

/** The summary of a run that got as far as its sources and targets. */
export function summarizeRun(
  context: SummaryContext,
  run: { runId: string; manifest: Manifest; targets: TargetOutcome[]; exitCode: number; problems: string[] },
): RunSummary {
  const runBytes = run.manifest.sources.flatMap((source) => source.files).reduce((sum, file) => sum + file.size, 0);
  const sources = run.manifest.sources.map(
    (source): SourceSummary => ({
      name: source.name,
      status: source.status,
      files: source.files.length,
      bytes: source.files.reduce((sum, file) => sum + file.size, 0),
      durationMs: Date.parse(source.finishedAt) - Date.parse(source.startedAt),
      problems: source.problems,
    }),
  );
  const targets = run.targets.map(
    (target): TargetSummary => ({
      name: target.name,
      status: target.status,
      sentBytes: target.status === 'ok' ? runBytes - (target.linkedBytes ?? 0) : 0,
      linkedBytes: target.linkedBytes ?? 0,
      durationMs: target.durationMs ?? 0,
      removed: target.removed ?? [],
      problems: [target.error, target.pruneError && `retention failed: ${target.pruneError}`].filter(
        (text): text is string => !!text,
      ),
    }),
  );
  const stored = targets.some((target) => target.status === 'ok');
  const outcome: Outcome = run.exitCode === ExitCode.ok ? 'success' : stored ? 'partial' : 'failure';
  return scrubbed(context, {
    ...frame(context, run.exitCode, outcome),
    runId: run.runId,
    problems: run.problems,
    sources,
    targets,
  });
}

/** The summary of a run that stopped as a whole (lock held, staging full, interrupted, bad config). */
export function summarizeFailure(
  context: SummaryContext,
  exitCode: number,
  error: unknown,
  runId?: string,
): RunSummary {
  return scrubbed(context, {
    ...frame(context, exitCode, 'failure'),
    ...(runId ? { runId } : {}),
    problems: [messageOf(error)],
    sources: [],
    targets: [],
  });
}

/** The summary with every secret of the config blanked in every text it holds (problems, paths, names). */
function scrubbed(context: SummaryContext, summary: RunSummary): RunSummary {
  return scrubStrings(summary, context.secrets ?? []);
}

const SUMMARY = Symbol('pickup run summary');

/** Hands the summary of a run that stopped as a whole to whoever catches its error. */
export function attachSummary<E>(error: E, summary: RunSummary): E {
  if (typeof error === 'object' && error !== null) Object.defineProperty(error, SUMMARY, { value: summary });
  return error;
}

/** The summary `runBackup` attached to the error it threw, if it got that far. */
export function summaryOf(error: unknown): RunSummary | undefined {
  return typeof error === 'object' && error !== null ? (error as { [SUMMARY]?: RunSummary })[SUMMARY] : undefined;
}

function frame(context: SummaryContext, exitCode: number, outcome: Outcome) {
  return {
    format: SUMMARY_FORMAT,
    outcome,
    exitCode,
    exitMeaning: exitMeaning(exitCode),
    ...whereAndWhen(context),
  } as const;
}

/** What every command's summary says of where it ran and when: host, config, version, start, end, duration. */
export function whereAndWhen(context: Pick<SummaryContext, 'config' | 'pickupVersion' | 'startedAt' | 'now'>) {
  const finished = (context.now ?? (() => new Date()))();
  return {
    host: hostname(),
    config: context.config,
    pickupVersion: context.pickupVersion,
    startedAt: context.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - context.startedAt.getTime(),
  };
}
