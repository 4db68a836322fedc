// Times as the fleet page shows them: in UTC (a file opened anywhere has no other zone to go by), ages in words.
import { formatAge } from './table.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** `3 h 20 min ago`, or `in 5 min` for a time ahead of the report (a host whose clock is ahead). */
export function formatAgo(seconds: number): string {
  return seconds < 0 ? `in ${formatAge(-seconds)}` : `${formatAge(seconds)} ago`;
}

/** `2025-03-04 02:00 UTC`; the text as given when it is not a time. */
export function formatUtc(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface Tick {
  at: number;
  label: string;
}

const STEPS = [1, 2, 3, 6, 12].map((hours) => hours * HOUR).concat([1, 2, 7, 14].map((days) => days * DAY));
const MONTH_STEPS = [1, 2, 3, 6, 12];

/** At most `most` round UTC times between `from` and `to` (ms): hours, days, weeks, then first days of months. */
export function timeTicks(from: number, to: number, most = 6): Tick[] {
  const step = STEPS.find((candidate) => (to - from) / candidate <= most);
  if (step === undefined) return monthTicks(from, to, most);
  const ticks: Tick[] = [];
  for (let at = Math.ceil(from / step) * step; at <= to; at += step) ticks.push({ at, label: tickLabel(at, step) });
  return ticks;
}

function tickLabel(at: number, step: number): string {
  const date = new Date(at);
  const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
  if (step >= DAY) return day;
  const clock = `${String(date.getUTCHours()).padStart(2, '0')}:00`;
  return date.getUTCHours() === 0 || step >= 6 * HOUR ? `${day} ${clock}` : clock;
}

/** `Nov 2024`, `Dec`, `Jan 2025`: the year on the first label and on each January. */
function monthTicks(from: number, to: number, most: number): Tick[] {
  const start = new Date(from);
  const months =
    (new Date(to).getUTCFullYear() - start.getUTCFullYear()) * 12 + new Date(to).getUTCMonth() - start.getUTCMonth();
  const every = MONTH_STEPS.find((candidate) => months / candidate <= most) ?? Math.ceil(months / most / 12) * 12;
  const ticks: Tick[] = [];
  for (let month = start.getUTCMonth() + 1; ; month++) {
    const at = Date.UTC(start.getUTCFullYear(), month, 1);
    if (at > to) break;
    const date = new Date(at);
    if (date.getUTCMonth() % every !== 0) continue;
    const name = MONTHS[date.getUTCMonth()]!;
    ticks.push({
      at,
      label: ticks.length === 0 || date.getUTCMonth() === 0 ? `${name} ${date.getUTCFullYear()}` : name,
    });
  }
  return ticks;
}
