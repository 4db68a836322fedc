import { describe, expect, it } from 'vitest';
import { isRunId, makeRunId, runIdTime } from '../src/model/run-id.js';

describe('run ids', () => {
  it('are the UTC start time, to the millisecond, without colons', () => {
    expect(makeRunId(new Date('2026-11-26T13:51:37.482Z'))).toBe('2026-11-26T135137.482Z');
  });

  it('sort as text in time order, and two runs in the same second differ', () => {
    const times = [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.001Z',
      '2026-01-01T00:00:59.999Z',
      '2026-12-31T23:59:59.999Z',
      '2027-01-01T00:00:00.000Z',
    ];
    const ids = times.map((time) => makeRunId(new Date(time)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('read back to the time they stand for', () => {
    const date = new Date('2026-03-29T01:30:00.250Z');
    expect(runIdTime(makeRunId(date)).getTime()).toBe(date.getTime());
    expect(isRunId(makeRunId(date))).toBe(true);
    expect(isRunId('2026-03-29T013000Z')).toBe(false);
    expect(isRunId('2026-03-29T013000.250Z.partial')).toBe(false);
  });
});
