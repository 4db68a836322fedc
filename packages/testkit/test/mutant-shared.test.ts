// needs: time
import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/** Each mutant breaks one rule of a shared store (a target with `reclaim`); the suite must fail the test named for it. */
describe('the target suite fails every shared store that breaks the contract', () => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = await runSuites('shared.suite.ts');
  }, 600_000); // every mutant through the whole suite, one after the other: minutes on a busy machine
  const status = (mutant: string, test: string) => statusOf(outcomes, `${mutant} keeps the target contract ${test}`);

  it('passes a sound shared store in every test', () => {
    const sound = outcomes.filter((outcome) => outcome.fullName.startsWith('pickup-shared-sound '));
    expect(sound.length).toBeGreaterThan(10);
    expect(sound.filter((outcome) => outcome.status !== 'passed').map((outcome) => outcome.fullName)).toEqual([]);
  });

  it('fails a shared store whose reclaim leaves what no backup uses', () => {
    expect(
      status('pickup-shared-hoarding', 'keeps what retention through the core keeps, and leaves nothing of the rest'),
    ).toBe('failed');
    expect(status('pickup-shared-hoarding', 'stores each run whole')).toBe('passed');
  });

  it('fails a shared store whose reclaim takes data a kept backup uses', () => {
    expect(status('pickup-shared-greedy', 'removes one backup and leaves the others whole')).toBe('failed');
    expect(
      status('pickup-shared-greedy', 'keeps what retention through the core keeps, and leaves nothing of the rest'),
    ).toBe('failed');
  });

  it("fails a shared store that writes a backup's snapshot before its data", () => {
    expect(status('pickup-shared-snapshot-first', 'leaves nothing complete when a push is killed')).toBe('failed');
    expect(status('pickup-shared-snapshot-first', 'stores each run whole')).toBe('passed');
  });
});
