import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/** Each mutant breaks one rule of the source contract; the suite must fail the test named for that rule. */
describe('the source suite fails every source that breaks the contract', () => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = await runSuites('sources.suite.ts');
  });
  const status = (name: string) => statusOf(outcomes, name);

  it('fails a source that shows its password in a log line', () => {
    expect(status('pickup-source-leaky keeps the source contract backs up into its own folder only')).toBe('failed');
  });

  it('fails a source that writes outside its own folder', () => {
    expect(status('pickup-source-straying keeps the source contract backs up into its own folder only')).toBe('failed');
    expect(status('pickup-source-straying keeps the source contract is a source plugin of this core')).toBe('passed');
  });
});
