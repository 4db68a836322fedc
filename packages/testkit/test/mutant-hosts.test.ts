// needs: time
import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/**
 * Each mutant breaks one rule of `hosts`; the suite must fail the test named for it. The sound target goes
 * through the whole suite, the others (which differ from it, or from the flat sound target of
 * mutant-targets.test.ts, in `hosts` only) through the tests of `hosts`.
 */
describe('the target suite fails every target whose hosts break the contract', () => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = await runSuites('hosts.suite.ts', '^pickup-hosts-sound | contract hosts ');
  }, 600_000);
  const status = (mutant: string, test: string) =>
    statusOf(outcomes, `${mutant} keeps the target contract hosts ${test}`);
  const LISTS = 'lists each host with backups once';
  const READS = "reads each host's own bytes";
  const ONLY_READS = 'only reads';
  const EMPTY = 'lists no backups for a host that has stored none';

  it('passes a sound target of one folder per host in every test, and a flat one in the tests of hosts', () => {
    const sound = outcomes.filter((outcome) => outcome.fullName.startsWith('pickup-hosts-sound '));
    expect(sound.length).toBeGreaterThan(20);
    const flat = outcomes.filter(
      (outcome) => outcome.fullName.startsWith('pickup-hosts-flat ') && outcome.status !== 'skipped',
    );
    expect(flat).toHaveLength(4);
    expect(
      [...sound, ...flat].filter((outcome) => outcome.status !== 'passed').map((outcome) => outcome.fullName),
    ).toEqual([]);
  });

  it("fails a target that shows each host every host's backups", () => {
    expect(status('pickup-hosts-merging', LISTS)).toBe('failed');
    expect(status('pickup-hosts-merging', ONLY_READS)).toBe('passed');
  });

  it("fails a target that reads another host's file of the same run id", () => {
    expect(status('pickup-hosts-searching', READS)).toBe('failed');
    expect(status('pickup-hosts-searching', LISTS)).toBe('passed');
  });

  it('fails a target whose hosts write in the store', () => {
    expect(status('pickup-hosts-marking', ONLY_READS)).toBe('failed');
    expect(status('pickup-hosts-marking', LISTS)).toBe('passed');
  });

  it('fails a target that marks the wrong host as its own', () => {
    expect(status('pickup-hosts-hostname-own', LISTS)).toBe('failed');
    expect(status('pickup-hosts-hostname-own', READS)).toBe('passed');
  });

  it('fails a target whose hosts leave out what a cut push left', () => {
    expect(status('pickup-hosts-complete-only', LISTS)).toBe('failed');
    expect(status('pickup-hosts-complete-only', EMPTY)).toBe('passed');
  });

  it('fails a fixture of a shared store without forHost, and a refusal over two lines', () => {
    for (const test of [LISTS, READS, ONLY_READS, EMPTY]) {
      expect(status('pickup-hosts-unhooked', test), test).toBe('failed');
      expect(status('pickup-hosts-wordy-refusal', test), test).toBe('failed');
    }
  });
});
