import { formatSummary, pickupDryRun, pickupRun, type RunSummary } from '@pickup/core';
import { consoleSink, wantsProgress } from '../progress/console.js';
import type { ProgressDisplay } from '../progress/display.js';
import type { GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface RunArgs extends GlobalArgs {
  dryRun: boolean;
  only: string[];
  /** Print the run summary as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** Show the live display when at a terminal. */
  progress: boolean;
}

/** `pickup run`: the core runs it; this prints the summary (a table, or JSON) and shows the live display. */
export async function runCommand(args: RunArgs): Promise<number> {
  const verbose = args.verbose ?? false;
  const sink = consoleSink();
  // With --json, stdout belongs to the document: information lines go to stderr, and only with --verbose.
  const quiet = (args.quiet ?? false) || (args.json && !verbose);
  const consoleOptions = { ...args, quiet, stdout: args.json ? sink.stderr : sink.stdout, stderr: sink.stderr };
  if (args.dryRun) return pickupDryRun({ ...consoleOptions, only: args.only });

  // The live display (cli-progress) is loaded only for a person at a terminal: never in cron or a pipe.
  const live = wantsProgress({ enabled: args.progress, quiet, json: args.json })
    ? await import('../progress/display.js')
    : undefined;
  let display: ProgressDisplay | undefined;
  const { exitCode } = await pickupRun({
    ...consoleOptions,
    only: args.only,
    pickupVersion: version,
    handleSignals: true,
    onPlan: (plan) => {
      if (!live) return;
      const sources = args.only.length > 0 ? args.only : plan.sources.map((source) => source.name);
      display = live.startProgressDisplay({ sources, targets: plan.targets.map((target) => target.name) }, sink);
    },
    progress: (event) => display?.update(event),
    onRunEnd: () => {
      display?.stop();
      display = undefined;
    },
    onSummary: (summary) => print(summary, args),
  });
  return exitCode;
}

/** JSON with --json; a table when the run got going, after the lines that said what it did. */
function print(summary: RunSummary, args: RunArgs): void {
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (summary.runId && !args.quiet && args.logFormat === 'plain') process.stdout.write(formatSummary(summary));
}
