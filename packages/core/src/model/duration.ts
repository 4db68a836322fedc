/** A span of calendar time, as `keepWithin` takes it: `30d`, `2w`, `6m`, `1y6m`, `12h`. */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?$/;

/** Parses `1y6m2w3d12h` (any of the parts, in that order); undefined if it is not one. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [years, months, weeks, days, hours] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (years + months + weeks + days + hours === 0) return undefined;
  return { years, months, weeks, days, hours };
}

/** `time` minus `duration`, months and years by the calendar (UTC). */
export function subtractDuration(time: Date, duration: Duration): Date {
  const result = new Date(time.getTime());
  result.setUTCFullYear(result.getUTCFullYear() - duration.years, result.getUTCMonth() - duration.months);
  result.setUTCDate(result.getUTCDate() - duration.weeks * 7 - duration.days);
  result.setUTCHours(result.getUTCHours() - duration.hours);
  return result;
}
