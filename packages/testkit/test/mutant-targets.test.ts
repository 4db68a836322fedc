import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/** Each mutant breaks one rule of the target contract; the suite must fail the test named for that rule. */
describe('the target suite fails every target that breaks the contract', () => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = await runSuites('targets.suite.ts');
  });
  const status = (name: string) => statusOf(outcomes, name);

  it('fails a target that writes the final name before the data is complete', () => {
    expect(status('pickup-target-non-atomic keeps the target contract leaves nothing that lists as complete when a push fails midway')).toBe('failed');
    expect(status('pickup-target-non-atomic keeps the target contract leaves nothing that lists as complete when a push fails at the manifest')).toBe('failed');
    // The same target stores and reads a run that goes well: the suite fails what is broken, not everything.
    expect(status('pickup-target-non-atomic keeps the target contract stores a run whole')).toBe('passed');
  });

  it('fails a target that reads a missing file as an empty one', () => {
    expect(status('pickup-target-silent keeps the target contract reads a file the backup does not have as ENOENT')).toBe('failed');
  });
});
