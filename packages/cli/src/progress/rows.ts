import type { ProgressEvent } from '@pickup/core';
import { formatBytes, formatDuration } from '@pickup/core';

/** What the display knows of one source or target. */
export interface RowState {
  kind: 'source' | 'target';
  name: string;
  phase: 'waiting' | ProgressEvent['phase'];
  bytes?: number;
  files?: number;
  totalBytes?: number;
  totalFiles?: number;
  stagedBytes?: number;
  /** When it started running and when it finished, for the rate and the time taken. */
  startedAt?: number;
  finishedAt?: number;
}

/** Folds an event into a row; updates after a row has finished (a late staged-size poll) are ignored. */
export function applyEvent(row: RowState, event: ProgressEvent, now: number): RowState {
  if (row.phase === 'done' || row.phase === 'failed') return row;
  const next: RowState = { ...row, ...definedOf(event), phase: event.phase };
  if (row.phase === 'waiting') next.startedAt = now;
  if (event.phase !== 'running') next.finishedAt = now;
  return next;
}

const BAR_WIDTH = 20;

/**
 * One line: `source www   ███████░░░░  46%  1,234 files  120 MB of 260 MB  12 MB/s  11 s left`.
 * A source that reports nothing shows what it has staged so far and how fast that grows.
 */
export function renderRow(row: RowState, nameWidth: number, now: number): string {
  const label = `${row.kind} ${row.name.padEnd(nameWidth)}`;
  if (row.phase === 'waiting') return `${label}  waiting`;
  const elapsed = ((row.finishedAt ?? now) - (row.startedAt ?? now)) / 1000;
  // A target that does not report is counted whole once done.
  const finishedTarget = row.kind === 'target' && row.phase === 'done' ? row.totalBytes : undefined;
  const bytes = finishedTarget ?? row.bytes ?? row.stagedBytes;
  if (bytes === undefined)
    return `${label}  ${row.phase === 'running' ? (row.kind === 'target' ? `sending ${formatBytes(row.totalBytes ?? 0)}` : 'running') : row.phase}`;
  const parts: string[] = [];
  const fraction = row.totalBytes ? Math.min(1, bytes / row.totalBytes) : undefined;
  if (row.phase !== 'running') parts.push(row.phase);
  else if (fraction !== undefined) parts.push(bar(fraction), `${String(Math.floor(fraction * 100)).padStart(3)}%`);
  const verb = row.kind === 'target' ? 'sent' : row.bytes !== undefined ? 'read' : 'staged';
  const files =
    row.files === undefined
      ? ''
      : `${count(row.files, row.totalFiles)} ${row.files === 1 && !row.totalFiles ? 'file' : 'files'}, `;
  parts.push(`${files}${formatBytes(bytes)}${row.totalBytes ? ` of ${formatBytes(row.totalBytes)}` : ''} ${verb}`);
  const rate = elapsed >= 1 ? bytes / elapsed : undefined;
  if (rate) parts.push(`${formatBytes(rate)}/s`);
  if (row.phase === 'running' && rate && row.totalBytes && bytes < row.totalBytes)
    parts.push(`${formatDuration(((row.totalBytes - bytes) / rate) * 1000)} left`);
  if (row.phase !== 'running') parts.push(`in ${formatDuration(elapsed * 1000)}`);
  return `${label}  ${parts.join('  ')}`;
}

/** `1,234` or `3/10`. */
function count(done: number, total: number | undefined): string {
  return `${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}`;
}

function bar(fraction: number): string {
  const full = Math.round(fraction * BAR_WIDTH);
  return `${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}`;
}

function definedOf(event: ProgressEvent): Partial<RowState> {
  const picked: Partial<RowState> = {};
  for (const key of ['bytes', 'files', 'totalBytes', 'totalFiles', 'stagedBytes'] as const) {
    if (event[key] !== undefined) picked[key] = event[key];
  }
  return picked;
}
