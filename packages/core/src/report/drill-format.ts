import { formatBytes } from '../model/format.js';
import type { DrillSummary } from './drill-summary.js';
import { formatDuration, formatTable } from './table.js';

/**
 * The drill summary as a few lines of text: a headline with the outcome and the exit code's meaning,
 * then a row per source and target: the backup drilled, how it was checked, and what was compared or
 * what went wrong. For the console and for mail.
 */
export function formatDrillSummary(summary: DrillSummary): string {
  const lines = [
    `drill on ${summary.host}: ${summary.outcome}, in ${formatDuration(summary.durationMs)} (exit code ${summary.exitCode}: ${summary.exitMeaning})`,
  ];
  if (summary.drills.length > 0) {
    const rows = summary.drills.map((drill) => [
      drill.source,
      drill.target,
      drill.backup ?? '-',
      drill.status,
      drill.check,
      formatBytes(drill.bytes),
      formatDuration(drill.durationMs),
      drill.status === 'ok' ? drill.checked : (drill.problems[0] ?? ''),
    ]);
    const header = ['source', 'target', 'backup', 'status', 'check', 'size', 'time', ''];
    lines.push(...formatTable([header, ...rows], [5, 6]).map((line) => `  ${line}`));
  }
  for (const problem of summary.problems) lines.push(`  ${problem}`);
  return `${lines.join('\n')}\n`;
}
