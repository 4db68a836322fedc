import { formatBytes } from '../model/format.js';
import type { RunSummary } from './summary.js';
import { formatDuration, formatTable } from './table.js';

/**
 * The run summary as a few lines of text: a headline with the outcome and the exit code's meaning,
 * a table of sources and one of targets, then the run's own problems. For the console and for mail.
 */
export function formatSummary(summary: RunSummary): string {
  const what = summary.runId ? `backup ${summary.runId}` : 'backup';
  const lines = [
    `${what} on ${summary.host}: ${summary.outcome}, in ${formatDuration(summary.durationMs)} (exit code ${summary.exitCode}: ${summary.exitMeaning})`,
  ];
  if (summary.sources.length > 0) {
    const rows = summary.sources.map((source) => [
      source.name,
      source.status,
      String(source.files),
      formatBytes(source.bytes),
      formatDuration(source.durationMs),
      source.problems[0] ? firstProblem(source.problems) : '',
    ]);
    lines.push(...indent(formatTable([['source', 'status', 'files', 'size', 'time', ''], ...rows], [2, 3, 4])));
  }
  if (summary.targets.length > 0) {
    const rows = summary.targets.map((target) => [
      target.name,
      target.status,
      formatBytes(target.sentBytes),
      formatBytes(target.linkedBytes),
      formatDuration(target.durationMs),
      target.problems[0]
        ? firstProblem(target.problems)
        : target.removed.length > 0
          ? `retention removed ${target.removed.length} old backup(s)`
          : '',
    ]);
    lines.push(...indent(formatTable([['target', 'status', 'sent', 'linked', 'time', ''], ...rows], [2, 3, 4])));
  }
  for (const problem of summary.problems) lines.push(`  ${problem}`);
  return `${lines.join('\n')}\n`;
}

function firstProblem(problems: string[]): string {
  return problems.length > 1 ? `${problems[0]} (+${problems.length - 1} more)` : problems[0]!;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
