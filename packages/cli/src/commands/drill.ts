import { formatDrillSummary, pickupDrill, type DrillSummary } from '@pickup/core';
import { consoleFor, type GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface DrillArgs extends GlobalArgs {
  sources: string[];
  target: string | undefined;
  /** Print the drill summary as one JSON document on stdout (and nothing else there). */
  json: boolean;
}

/** `pickup drill`: the core drills; this prints the summary (a table, or JSON). */
export async function drillCommand(args: DrillArgs): Promise<number> {
  const { exitCode } = await pickupDrill({
    ...args,
    ...consoleFor(args),
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
