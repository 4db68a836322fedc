import { ExitCode } from '../errors.js';
import { whereAndWhen } from './summary.js';

export const DRILL_SUMMARY_FORMAT = 'pickup-drill-summary/1';

/** What a drill did, for people (`formatDrillSummary`), scripts (`pickup drill --json`), notifications and metrics. */
export interface DrillSummary {
  format: typeof DRILL_SUMMARY_FORMAT;
  /** success: every drill came back as recorded; failure: one did not, or the drill could not run. */
  outcome: 'success' | 'failure';
  exitCode: number;
  exitMeaning: string;
  host: string;
  config: string;
  pickupVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Problems of the drill as a whole: the lock held, a bad config, an interruption. */
  problems: string[];
  /** One per source and target drilled. */
  drills: SourceDrillResult[];
}

/** How the restore of one source's newest backup from one target went. */
export interface SourceDrillResult {
  source: string;
  target: string;
  /** The backup drilled (its run id); absent when the target had none to drill. */
  backup?: string;
  status: 'ok' | 'failed';
  /**
   * `restored`: restored into scratch space and compared with what the backup recorded;
   * `checksums`: the source cannot restore for a drill (or the backup is encrypted and no key was given):
   * its files were read back and checked against the manifest only.
   */
  check: 'restored' | 'checksums';
  /** Files read back from the target, and their bytes. */
  files: number;
  bytes: number;
  durationMs: number;
  /** What was compared, one line (`14 tables, 120,456 rows as recorded`), or why only checksums. */
  checked: string;
  problems: string[];
}

const EXIT_MEANINGS: Record<number, string> = {
  [ExitCode.ok]: 'every backup drilled came back as recorded',
  [ExitCode.partial]: 'a backup did not come back as recorded, or could not be fetched',
  [ExitCode.usage]: 'the config or the command line is wrong; nothing was drilled',
  [ExitCode.fatal]: 'Pickup could not go on',
  [ExitCode.locked]: 'another command of this config holds the lock; nothing was drilled',
};

export function drillExitMeaning(code: number): string {
  return EXIT_MEANINGS[code] ?? 'unknown exit code';
}

export interface DrillSummaryContext {
  config: string;
  pickupVersion: string;
  startedAt: Date;
  now?: () => Date;
}

/** The summary of a drill: its results, or the problem that stopped it as a whole. */
export function summarizeDrill(
  context: DrillSummaryContext,
  exitCode: number,
  drills: SourceDrillResult[],
  problems: string[] = [],
): DrillSummary {
  return {
    format: DRILL_SUMMARY_FORMAT,
    outcome: exitCode === ExitCode.ok ? 'success' : 'failure',
    exitCode,
    exitMeaning: drillExitMeaning(exitCode),
    ...whereAndWhen(context),
    problems,
    drills,
  };
}
