import { formatFleetReport, pickupReport, type FleetReport } from '@pickup/core';
import { consoleFor, type GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface ReportArgs extends GlobalArgs {
  target: string | undefined;
  maxAge: string | undefined;
  html: string | undefined;
  /** Print the report as one JSON document on stdout (and nothing else there). */
  json: boolean;
}

/** `pickup report`: the core collects; this prints the report (a table, or JSON). */
export async function reportCommand(args: ReportArgs): Promise<number> {
  const { exitCode } = await pickupReport({
    ...args,
    ...consoleFor(args),
    pickupVersion: version,
    onReport: (report) => print(report, args),
  });
  return exitCode;
}

function print(report: FleetReport, args: ReportArgs): void {
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!args.quiet && args.logFormat === 'plain') process.stdout.write(formatFleetReport(report));
}
