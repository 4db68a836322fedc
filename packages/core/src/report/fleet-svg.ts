// The fleet page's charts: per host, one mark per backup on a time line and the size of each under it, on the
// time axis every host of the target shares. Lean on purpose (20 hosts x 200 backups): one <g> per backup
// holding its hover text, its mark and its bar; colours and shapes come from the page's CSS classes.
import { formatBytes } from '../model/format.js';
import type { BackupReport, BackupState, HostReport } from './fleet-report.js';
import { formatUtc, timeTicks } from './fleet-time.js';
import { type Html, html } from './html.js';

/** The period a target's charts cover, in ms since the epoch. */
export interface TimeAxis {
  from: number;
  to: number;
}

const WIDTH = 720;
/** Left of it: the size scale's label. */
const LEFT = 56;
const RIGHT = WIDTH - 8;
const TOP = 2;
const MARK_Y = 12;
const BARS_TOP = 30;
const BARS_BOTTOM = 84;
const HEIGHT = 100;
const LABEL_Y = HEIGHT - 3;
const DAY = 86_400_000;

/** From the oldest backup of any of the hosts to the report (at least a day, so a lone backup is not the whole width). */
export function timeAxisOf(hosts: readonly HostReport[], generatedAt: string): TimeAxis {
  const to = Date.parse(generatedAt);
  let from = to - DAY;
  for (const host of hosts) for (const backup of host.backups) from = Math.min(from, timeOf(backup) ?? from);
  return { from, to };
}

/** The grid lines and time labels of an axis: the same for each host of a target, so made once. */
export function axisMarkup(axis: TimeAxis): Html {
  // No label under "now"'s.
  const ticks = timeTicks(axis.from, axis.to).filter((tick) => RIGHT - xOf(axis, tick.at) > 64);
  const lines = ticks.map((tick) => verticalLine('grid', xOf(axis, tick.at)));
  const labels = ticks.map((tick) => {
    const x = xOf(axis, tick.at);
    const anchor = x - LEFT < 30 ? html` text-anchor="start"` : '';
    return html`<text class="tick" x="${x}" y="${LABEL_Y}"${anchor}>${tick.label}</text>`;
  });
  const now = html`<text class="tick" x="${RIGHT}" y="${LABEL_Y}" text-anchor="end">now</text>`;
  return html`${lines}${labels}${verticalLine('now', RIGHT)}${now}`;
}

/** One host's chart; `maxAgeSeconds` shades the window a complete backup must fall in for the host to be fresh. */
export function hostChart(host: HostReport, axis: TimeAxis, axisLines: Html, maxAgeSeconds?: number): Html {
  const placed = host.backups.flatMap((backup) => {
    const time = timeOf(backup);
    return time === undefined ? [] : [{ backup, x: xOf(axis, time) }];
  });
  const spacing = (RIGHT - LEFT) / Math.max(1, placed.length);
  const markSize = clamp(spacing * 0.45, 2.5, 5);
  const barWidth = round(clamp(spacing * 0.7, 1.2, 8));
  const most = Math.max(0, ...host.backups.map((backup) => backup.bytes ?? 0));
  const backups = placed.map(({ backup, x }) => {
    const height = backup.bytes && most ? Math.max(1, (backup.bytes / most) * (BARS_BOTTOM - BARS_TOP)) : 0;
    const bar = height ? barMarkup(x - barWidth / 2, BARS_BOTTOM - height, barWidth, height) : '';
    const mark = markMarkup(backup.state, x, MARK_Y, markSize);
    return html`<g class="b ${backup.state}"><title>${hoverText(backup)}</title>${mark}${bar}</g>`;
  });
  const empty = placed.length
    ? ''
    : html`<text class="scale" x="${(LEFT + RIGHT) / 2}" y="${BARS_TOP + 8}" text-anchor="middle">no backups listed</text>`;
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${`Backups of ${host.host}`}">${[
    maxAgeSeconds === undefined ? '' : freshWindow(xOf(axis, axis.to - maxAgeSeconds * 1000)),
    axisLines,
    html`<line class="base" x1="${LEFT}" x2="${RIGHT}" y1="${BARS_BOTTOM}" y2="${BARS_BOTTOM}"/>`,
    most ? sizeScale(most) : '',
    empty,
    backups,
  ]}</svg>`;
}

/** What each mark means, with the marks themselves. */
export function legendMarkup(maxAge?: string): Html {
  const states: BackupState[] = ['complete', 'partial', 'failed', 'damaged'];
  const keys = states.map((state) => legendKey(html`<g class="b ${state}">${markMarkup(state, 7, 7, 5)}</g>`, state));
  const size = legendKey(html`<g class="b complete">${barMarkup(4, 2, 6, 12)}</g>`, 'size of each backup');
  const window = maxAge
    ? legendKey(html`<rect class="window" width="14" height="14"/>`, `the last ${maxAge} (max age)`)
    : '';
  return html`<div class="legend">${keys}${size}${window}</div>`;
}

function legendKey(symbol: Html, text: string): Html {
  return html`<span class="key"><svg viewBox="0 0 14 14" width="14" height="14" aria-hidden="true">${symbol}</svg>${text}</span>`;
}

/** A shape per state, so the chart reads without colour: dot, diamond, cross, triangle. */
function markMarkup(state: BackupState, x: number, y: number, r: number): Html {
  const [cx, d] = [round(x), round(r * 1.3)];
  if (state === 'complete') return html`<circle cx="${cx}" cy="${y}" r="${round(r)}"/>`;
  if (state === 'partial') return html`<path d="M${cx} ${round(y - d)}l${d} ${d} -${d} ${d} -${d} -${d}z"/>`;
  if (state === 'failed') {
    const s = round(r * 0.9);
    return html`<path d="M${round(x - s)} ${round(y - s)}l${2 * s} ${2 * s}m0 -${2 * s}l-${2 * s} ${2 * s}"/>`;
  }
  return html`<path d="M${cx} ${round(y - d)}l${d} ${round(d * 1.8)}h-${2 * d}z"/>`;
}

function barMarkup(x: number, y: number, width: number, height: number): Html {
  return html`<rect x="${round(x)}" y="${round(y)}" width="${width}" height="${round(height)}"/>`;
}

function freshWindow(x: number): Html {
  return html`<rect class="window" x="${x}" y="${TOP}" width="${round(RIGHT - x)}" height="${BARS_BOTTOM - TOP}"/>`;
}

/** The largest size, at the height of its bar. */
function sizeScale(most: number): Html {
  const line = html`<line class="grid" x1="${LEFT}" x2="${RIGHT}" y1="${BARS_TOP}" y2="${BARS_TOP}"/>`;
  return html`${line}<text class="scale" x="${LEFT - 6}" y="${BARS_TOP + 4}" text-anchor="end">${formatBytes(most)}</text>`;
}

function verticalLine(kind: string, x: number): Html {
  return html`<line class="${kind}" x1="${x}" x2="${x}" y1="${TOP}" y2="${BARS_BOTTOM}"/>`;
}

function hoverText(backup: BackupReport): string {
  const size = backup.bytes === null ? 'no manifest' : formatBytes(backup.bytes);
  const id = backup.id === backup.runId ? '' : ` (${backup.id})`;
  const problem = backup.problem ? `\n${backup.problem}` : '';
  return `${backup.runId}${id}\n${formatUtc(backup.at)} · ${backup.state} · ${size}${problem}`;
}

function timeOf(backup: BackupReport): number | undefined {
  const time = Date.parse(backup.at);
  return Number.isNaN(time) ? undefined : time;
}

function xOf(axis: TimeAxis, time: number): number {
  const share = axis.to > axis.from ? (time - axis.from) / (axis.to - axis.from) : 1;
  return round(LEFT + clamp(share, 0, 1) * (RIGHT - LEFT));
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
