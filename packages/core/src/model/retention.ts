import { z } from 'zod';
import { parseDuration, subtractDuration } from './duration.js';

const count = z
  .number({ error: 'must be a positive whole number' })
  .int('must be a positive whole number')
  .positive('must be a positive whole number');

/** A target's `retention`: which backups to keep. Rules are OR'ed; none at all keeps everything. */
export const retentionSchema = z
  .object({
    /** The newest n backups. */
    keepLast: count.optional(),
    /** The newest backup of each of the last n hours that have one. */
    keepHourly: count.optional(),
    keepDaily: count.optional(),
    /** Weeks run Monday to Sunday. */
    keepWeekly: count.optional(),
    keepMonthly: count.optional(),
    keepYearly: count.optional(),
    /** Every backup within this span of the newest one: `30d`, `2w`, `6m`, `1y`. */
    keepWithin: z
      .string()
      .refine((text) => parseDuration(text) !== undefined, 'must be a duration like 12h, 30d, 2w, 6m or 1y6m')
      .optional(),
    /** Time zone of the calendar (days, weeks...): an IANA name like `Europe/Luxembourg`. Default: the machine's. */
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone name like Europe/Luxembourg or UTC').optional(),
  })
  .strict();

export type RetentionPolicy = z.output<typeof retentionSchema>;

export interface Dated {
  id: string;
  time: Date;
}

export interface RetentionDecision<T extends Dated> {
  backup: T;
  keep: boolean;
  /** Why it is kept: `last`, `daily`, `within 30d`, `oldest monthly`, `newest`. Empty when removed. */
  reasons: string[];
}

/** Why a backup dated after now is kept. */
export const FUTURE = 'dated in the future';

type CalendarRule = 'keepHourly' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly';
const CALENDAR_RULES: [CalendarRule, string][] = [
  ['keepHourly', 'hourly'],
  ['keepDaily', 'daily'],
  ['keepWeekly', 'weekly'],
  ['keepMonthly', 'monthly'],
  ['keepYearly', 'yearly'],
];

/**
 * Decides which backups a policy keeps, as restic's `forget` does: newest first, each calendar rule
 * keeps the newest backup of each of its last n periods that have one, `keepLast` the newest n,
 * `keepWithin` all within a span of the newest; rules are OR'ed. When a calendar rule finds fewer
 * periods than it asks for, the oldest backup is kept too. The newest backup is always kept.
 * A backup dated after `now` (a clock gone wrong) is kept and counts for no rule: every rule is
 * measured from the newest backup that is not in the future, so it never makes older ones go.
 * Returns the decisions newest first.
 */
export function applyRetention<T extends Dated>(
  backups: readonly T[],
  policy: RetentionPolicy = {},
  now: Date = new Date(),
): RetentionDecision<T>[] {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
  const future = sorted.filter((backup) => backup.time.getTime() > now.getTime());
  const dated = sorted.filter((backup) => backup.time.getTime() <= now.getTime());
  const inFuture = future.map((backup) => ({ backup, keep: true, reasons: [FUTURE] }));
  return [...inFuture, ...decide(dated, policy)];
}

/** The rules applied to backups none of which is in the future, newest first. */
function decide<T extends Dated>(sorted: readonly T[], policy: RetentionPolicy): RetentionDecision<T>[] {
  const decisions = sorted.map((backup) => ({ backup, keep: false, reasons: [] as string[] }));
  if (decisions.length === 0) return decisions;
  const hasRule =
    policy.keepLast !== undefined ||
    policy.keepWithin !== undefined ||
    CALENDAR_RULES.some(([rule]) => policy[rule] !== undefined);
  if (!hasRule) {
    for (const decision of decisions) keep(decision, 'no retention policy');
    return decisions;
  }

  const periodOf = calendar(policy.timeZone);
  const remaining = new Map<CalendarRule, number>();
  const lastPeriod = new Map<CalendarRule, string>();
  for (const [rule] of CALENDAR_RULES) if (policy[rule] !== undefined) remaining.set(rule, policy[rule]!);
  const within = policy.keepWithin ? subtractDuration(sorted[0]!.time, parseDuration(policy.keepWithin)!) : undefined;

  decisions.forEach((decision, index) => {
    if (policy.keepLast !== undefined && index < policy.keepLast) keep(decision, 'last');
    for (const [rule, reason] of CALENDAR_RULES) {
      const left = remaining.get(rule);
      if (left === undefined || left === 0) continue;
      const period = periodOf(rule, decision.backup.time);
      if (period === lastPeriod.get(rule)) continue;
      lastPeriod.set(rule, period);
      remaining.set(rule, left - 1);
      keep(decision, reason);
    }
    if (within && decision.backup.time.getTime() >= within.getTime()) keep(decision, `within ${policy.keepWithin}`);
  });

  const oldest = decisions[decisions.length - 1]!;
  for (const [rule, reason] of CALENDAR_RULES) {
    if ((remaining.get(rule) ?? 0) > 0 && !oldest.reasons.includes(reason)) keep(oldest, `oldest ${reason}`);
  }
  if (!decisions[0]!.keep) keep(decisions[0]!, 'newest');
  return decisions;
}

function keep<T extends Dated>(decision: RetentionDecision<T>, reason: string): void {
  decision.keep = true;
  decision.reasons.push(reason);
}

/** The period (hour, day, ISO week, month, year) a time falls in, in the policy's time zone. */
function calendar(timeZone: string | undefined): (rule: CalendarRule, time: Date) => string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
  });
  return (rule, time) => {
    const parts = Object.fromEntries(format.formatToParts(time).map((part) => [part.type, Number(part.value)]));
    const { year, month, day, hour } = parts as { year: number; month: number; day: number; hour: number };
    switch (rule) {
      case 'keepHourly':
        return `${year}-${month}-${day} ${hour}`;
      case 'keepDaily':
        return `${year}-${month}-${day}`;
      case 'keepWeekly':
        return isoWeek(year, month, day);
      case 'keepMonthly':
        return `${year}-${month}`;
      case 'keepYearly':
        return `${year}`;
    }
  };
}

/** ISO 8601 week of a calendar date: `2026-W01` (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
