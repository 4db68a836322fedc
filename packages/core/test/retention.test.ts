import { describe, expect, it } from 'vitest';
import { parseDuration, subtractDuration } from '../src/model/duration.js';
import { applyRetention, retentionSchema, type RetentionPolicy } from '../src/model/retention.js';

const at = (iso: string) => ({ id: iso, time: new Date(iso) });
/** Every backup of these tests is in the past at this "now", whatever today's date. */
const LATER = new Date('2100-01-01T00:00:00Z');
const kept = (backups: { id: string; time: Date }[], policy: RetentionPolicy, now = LATER) =>
  applyRetention(backups, policy, now)
    .filter((decision) => decision.keep)
    .map((decision) => decision.backup.id);

/** One backup a day at `hour` UTC, from `first` to `last` inclusive. */
function daily(first: string, last: string, hour = 11): { id: string; time: Date }[] {
  const result = [];
  for (
    let day = new Date(`${first}T00:00:00Z`);
    day <= new Date(`${last}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    result.push(at(`${day.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00.000Z`));
  }
  return result;
}

describe('retention, as restic forget', () => {
  it("restic's example: one backup every Sunday for 12 weeks, keepDaily 4 keeps the last four Sundays", () => {
    const sundays = [
      '2019-09-01',
      '2019-09-08',
      '2019-09-15',
      '2019-09-22',
      '2019-09-29',
      '2019-10-06',
      '2019-10-13',
      '2019-10-20',
      '2019-10-27',
      '2019-11-03',
      '2019-11-10',
      '2019-11-17',
    ];
    const backups = sundays.map((day) => at(`${day}T11:00:00.000Z`));
    const decisions = applyRetention(backups, { keepDaily: 4, timeZone: 'UTC' }, LATER);
    expect(decisions.filter((d) => d.keep).map((d) => d.backup.id.slice(0, 10))).toEqual([
      '2019-11-17',
      '2019-11-10',
      '2019-11-03',
      '2019-10-27',
    ]);
    expect(decisions.filter((d) => d.keep).every((d) => d.reasons.join() === 'daily')).toBe(true);
    expect(decisions.filter((d) => !d.keep)).toHaveLength(8);
  });

  it("restic's example: daily backups, keepDaily 7 keepWeekly 5 keepMonthly 12 keepYearly 75", () => {
    const backups = daily('2023-01-01', '2025-12-31');
    const decisions = applyRetention(
      backups,
      { keepDaily: 7, keepWeekly: 5, keepMonthly: 12, keepYearly: 75, timeZone: 'UTC' },
      LATER,
    );
    const keptDays = decisions.filter((d) => d.keep).map((d) => d.backup.id.slice(0, 10));
    // 7 dailies (Dec 25-31); weeks end on Sundays: Dec 28 and the current week's Dec 31 are dailies already,
    // so 3 more weekly (Dec 21, 14, 7); 11 more month ends; 2 more year ends; and, as only 3 of 75
    // years have backups, the oldest backup too.
    expect(keptDays).toEqual([
      '2025-12-31',
      '2025-12-30',
      '2025-12-29',
      '2025-12-28',
      '2025-12-27',
      '2025-12-26',
      '2025-12-25',
      '2025-12-21',
      '2025-12-14',
      '2025-12-07',
      '2025-11-30',
      '2025-10-31',
      '2025-09-30',
      '2025-08-31',
      '2025-07-31',
      '2025-06-30',
      '2025-05-31',
      '2025-04-30',
      '2025-03-31',
      '2025-02-28',
      '2025-01-31',
      '2024-12-31',
      '2023-12-31',
      '2023-01-01',
    ]);
    const reasons = Object.fromEntries(
      decisions.filter((d) => d.keep).map((d) => [d.backup.id.slice(0, 10), d.reasons.join(', ')]),
    );
    expect(reasons['2025-12-31']).toBe('daily, weekly, monthly, yearly');
    expect(reasons['2025-12-14']).toBe('weekly');
    expect(reasons['2023-01-01']).toBe('oldest yearly');
  });

  it('ORs the rules: keepLast 3 and keepMonthly 2 over an irregular history', () => {
    const backups = ['2026-01-05', '2026-01-20', '2026-02-02', '2026-02-03', '2026-03-01', '2026-03-02'].map((day) =>
      at(`${day}T02:00:00.000Z`),
    );
    expect(kept(backups, { keepLast: 3, keepMonthly: 2, timeZone: 'UTC' }).map((id) => id.slice(0, 10))).toEqual([
      '2026-03-02',
      '2026-03-01',
      '2026-02-03',
    ]);
  });

  it('keepWithin keeps everything within the span of the newest backup, not of now', () => {
    const backups = daily('2026-01-01', '2026-03-31');
    expect(kept(backups, { keepWithin: '30d' }).map((id) => id.slice(0, 10))).toEqual(
      daily('2026-03-01', '2026-03-31')
        .reverse()
        .map((b) => b.id.slice(0, 10)),
    );
    expect(kept(backups, { keepWithin: '1m' })).toHaveLength(29); // Mar 31 minus a month is "Feb 31", that is Mar 3
  });

  it('keeps everything without a policy, and always the newest', () => {
    const backups = daily('2026-01-01', '2026-01-10');
    expect(kept(backups, {})).toHaveLength(10);
    expect(kept(backups, { keepLast: 1 })).toEqual(['2026-01-10T11:00:00.000Z']);
  });

  it('counts weeks Monday to Sunday, across a year end (ISO week 2026-W53 runs to 3 January 2027)', () => {
    const backups = ['2026-12-27', '2026-12-28', '2026-12-31', '2027-01-01', '2027-01-03', '2027-01-04'].map((day) =>
      at(`${day}T12:00:00.000Z`),
    );
    expect(kept(backups, { keepWeekly: 3, timeZone: 'UTC' }).map((id) => id.slice(0, 10))).toEqual([
      '2027-01-04',
      '2027-01-03',
      '2026-12-27',
    ]);
  });

  it('counts days and months across a month end and a year end', () => {
    const backups = daily('2025-12-29', '2026-01-02', 23);
    expect(kept(backups, { keepMonthly: 2, timeZone: 'UTC' }).map((id) => id.slice(0, 10))).toEqual([
      '2026-01-02',
      '2025-12-31',
    ]);
    expect(kept(backups, { keepYearly: 2, timeZone: 'UTC' }).map((id) => id.slice(0, 10))).toEqual([
      '2026-01-02',
      '2025-12-31',
    ]);
  });

  it("cuts calendar periods in the policy's time zone", () => {
    // 23:30 UTC is already the next day in Berlin (UTC+1 in winter).
    const backups = [at('2026-01-09T21:30:00.000Z'), at('2026-01-09T22:30:00.000Z'), at('2026-01-09T23:30:00.000Z')];
    // One UTC day: its newest backup, and the oldest as the second day is missing.
    expect(kept(backups, { keepDaily: 2, timeZone: 'UTC' })).toEqual([
      '2026-01-09T23:30:00.000Z',
      '2026-01-09T21:30:00.000Z',
    ]);
    // Two Berlin days: the newest backup of each.
    expect(kept(backups, { keepDaily: 2, timeZone: 'Europe/Berlin' })).toEqual([
      '2026-01-09T23:30:00.000Z',
      '2026-01-09T22:30:00.000Z',
    ]);
  });

  it('handles the DST changes: the repeated hour is one hour, the skipped one none', () => {
    // 25 October 2026, Berlin: 02:30 CEST (00:30 UTC) and 02:30 CET (01:30 UTC) are the same local hour.
    const autumn = [at('2026-10-25T00:30:00.000Z'), at('2026-10-25T01:30:00.000Z'), at('2026-10-25T02:30:00.000Z')];
    const reasons = (timeZone: string) =>
      applyRetention(autumn, { keepHourly: 3, timeZone }, LATER).map((d) => d.reasons.join());
    expect(reasons('Europe/Berlin')).toEqual(['hourly', 'hourly', 'oldest hourly']); // two local hours only
    expect(reasons('UTC')).toEqual(['hourly', 'hourly', 'hourly']);
    expect(kept(autumn, { keepHourly: 2, timeZone: 'Europe/Berlin' })).toEqual([
      '2026-10-25T02:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    // 29 March 2026, Berlin: 01:30 CET (00:30 UTC) then 03:30 CEST (01:30 UTC): two hours, one day.
    const spring = [at('2026-03-28T23:30:00.000Z'), at('2026-03-29T00:30:00.000Z'), at('2026-03-29T01:30:00.000Z')];
    expect(kept(spring, { keepHourly: 5, timeZone: 'Europe/Berlin' })).toHaveLength(3);
    expect(kept(spring, { keepDaily: 1, timeZone: 'Europe/Berlin' })).toEqual(['2026-03-29T01:30:00.000Z']);
  });

  it('keeps the oldest backup when a calendar rule finds fewer periods than it asks for', () => {
    const backups = daily('2026-01-01', '2026-01-03');
    const decisions = applyRetention(backups, { keepLast: 1, keepMonthly: 6, timeZone: 'UTC' }, LATER);
    expect(decisions.map((d) => [d.backup.id.slice(0, 10), d.reasons.join(', ')])).toEqual([
      ['2026-01-03', 'last, monthly'],
      ['2026-01-02', ''],
      ['2026-01-01', 'oldest monthly'],
    ]);
  });
});

describe('retention and a backup dated in the future (a clock gone wrong)', () => {
  const history = daily('2026-03-01', '2026-03-10');
  const future = at('2027-03-10T11:00:00.000Z');
  const now = new Date('2026-03-10T12:00:00Z');

  it('keepWithin is measured from the newest backup not in the future; the future one is kept', () => {
    expect(kept([...history, future], { keepWithin: '2d' }, now)).toEqual([
      future.id,
      ...history
        .slice(-3)
        .reverse()
        .map((backup) => backup.id),
    ]);
    expect(applyRetention([...history, future], { keepWithin: '2d' }, now)[0]!.reasons).toEqual([
      'dated in the future',
    ]);
  });

  it('it counts for no rule: keepLast, daily and monthly keep what they would without it', () => {
    for (const policy of [
      { keepLast: 3 },
      { keepDaily: 3, timeZone: 'UTC' },
      { keepMonthly: 1, keepLast: 2, timeZone: 'UTC' },
    ] as RetentionPolicy[]) {
      const without = kept(history, policy, now);
      expect(kept([...history, future], policy, now), JSON.stringify(policy)).toEqual([future.id, ...without]);
    }
  });

  it('once its time has come it counts like any other', () => {
    expect(kept([...history, future], { keepLast: 1 }, new Date('2027-03-11T00:00:00Z'))).toEqual([future.id]);
  });
});

describe('retention settings', () => {
  it('take positive whole numbers and durations, and say what is wrong otherwise', () => {
    expect(retentionSchema.parse({ keepDaily: 7, keepWithin: '1y6m', timeZone: 'Europe/Luxembourg' })).toBeTruthy();
    const problems = (value: unknown) =>
      retentionSchema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ keepDaily: 0 })).toEqual(['keepDaily: must be a positive whole number']);
    expect(problems({ keepDaily: 1.5 })).toEqual(['keepDaily: must be a positive whole number']);
    expect(problems({ keepDaily: '7' })).toEqual(['keepDaily: must be a positive whole number']);
    expect(problems({ keepWithin: '30 days' })).toEqual([
      'keepWithin: must be a duration like 12h, 30d, 2w, 6m or 1y6m',
    ]);
    expect(problems({ timeZone: 'Mars/Olympus' })).toEqual([
      'timeZone: must be an IANA time zone name like Europe/Luxembourg or UTC',
    ]);
    expect(problems({ maxAge: 7 })?.[0]).toMatch(/Unrecognized key: "maxAge"/);
  });

  it('durations: years, months, weeks, days, hours', () => {
    expect(parseDuration('1y6m2w3d12h')).toEqual({ years: 1, months: 6, weeks: 2, days: 3, hours: 12 });
    expect(parseDuration('30d')).toEqual({ years: 0, months: 0, weeks: 0, days: 30, hours: 0 });
    for (const bad of ['', '0d', 'd', '3x', '1d1y', '-1d']) expect(parseDuration(bad), bad).toBeUndefined();
    expect(subtractDuration(new Date('2026-03-31T10:00:00Z'), parseDuration('1y1m')!).toISOString()).toBe(
      '2025-03-03T10:00:00.000Z',
    );
  });
});

describe('pruning plans', () => {
  it("thins out only this host's full backups: other hosts', partial and --only ones do not count", async () => {
    const { planPrune } = await import('../src/backups/prune.js');
    const backup = (id: string, host: string, extra: Record<string, unknown> = {}) => ({
      id,
      runId: id,
      time: new Date(`${id.slice(0, 10)}T12:00:00Z`),
      complete: true,
      manifest: { host, status: 'complete', sources: [], ...extra } as never,
    });
    const plan = planPrune(
      [
        backup('2026-01-01', 'web1'),
        backup('2026-01-02', 'web1'),
        backup('2026-01-03', 'db1'),
        backup('2026-01-04', 'web1', { onlySources: ['www'] }),
        backup('2026-01-05', 'web1', { status: 'partial' }),
      ],
      { keepLast: 1 },
      'web1',
    );
    expect(plan.decisions.map((d) => [d.backup.id, d.keep])).toEqual([
      ['2026-01-02', true],
      ['2026-01-01', false],
    ]);
    expect(plan.partial.map((p) => [p.backup.id, p.keep, p.why])).toEqual([
      ['2026-01-04', true, 'some sources only, newer than every complete backup'],
      ['2026-01-05', true, 'partial, newer than every complete backup'],
    ]);
  });
});
