import { formatDrillSummary, pickupDrill, type DrillSummary } from '@pickup/core';
import type { GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface DrillArgs extends GlobalArgs {
  sources: string[];
  target: string | undefined;
  /** Print the drill summary as one JSON document on stdout (and nothing else there). */
  json: boolean;
}

/** `pickup drill`: the core drills; this prints the summary (a table, or JSON). */
export async function drillCommand(args: DrillArgs): Promise<number> {
  // With --json, stdout belongs to the document: information lines go to stderr, and only with --verbose.
  const quiet = (args.quiet ?? false) || (args.json && !args.verbose);
  const { exitCode } = await pickupDrill({
    ...args,
    quiet,
    ...(args.json ? { stdout: process.stderr } : {}),
    pickupVersion: version,
    handleSignals: true,
    onSummary: (summary) => print(summary, args),
  });
  return exitCode;
}

function print(summary: DrillSummary, args: DrillArgs): void {
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (summary.drills.length > 0 && !args.quiet && args.logFormat === 'plain')
    process.stdout.write(formatDrillSummary(summary));
}
