// needs: time
import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/** Each mutant breaks one rule of the target contract; the suite must fail the test named for that rule. */
describe('the target suite fails every target that breaks the contract', () => {
  let outcomes: Outcome[];
  beforeAll(async () => {
    outcomes = await runSuites('targets.suite.ts');
  }, 600_000); // every mutant through the whole suite, one after the other: minutes on a busy machine
  const status = (mutant: string, test: string) => statusOf(outcomes, `${mutant} keeps the target contract ${test}`);

  it('passes a sound target in every test', () => {
    const sound = outcomes.filter((outcome) => outcome.fullName.startsWith('pickup-target-sound '));
    expect(sound.length).toBeGreaterThan(10);
    expect(sound.filter((outcome) => outcome.status !== 'passed').map((outcome) => outcome.fullName)).toEqual([]);
  });

  it('fails a target that writes under the final name, the manifest first', () => {
    expect(status('pickup-target-non-atomic', 'shows nothing complete while a push is paused midway')).toBe('failed');
    expect(status('pickup-target-non-atomic', 'leaves nothing complete when a push is killed')).toBe('failed');
    // It cleans up after a failure: only pushes seen or cut midway show what is wrong.
    expect(status('pickup-target-non-atomic', 'leaves nothing that lists as complete when a push fails midway')).toBe(
      'passed',
    );
    // The suite fails what is broken, not everything: it stores and reads a run that goes well.
    expect(status('pickup-target-non-atomic', 'stores each run whole')).toBe('passed');
  });

  it('fails a target that lists a push under way as complete', () => {
    expect(status('pickup-target-complete-partials', 'shows nothing complete while a push is paused midway')).toBe(
      'failed',
    );
  });

  it('fails a target that does not list what a killed push left', () => {
    expect(status('pickup-target-forgetful', 'leaves nothing complete when a push is killed')).toBe('failed');
  });

  it('fails a target that overwrites a complete backup', () => {
    expect(status('pickup-target-overwriting', 'refuses to overwrite a complete backup')).toBe('failed');
  });

  it('fails a target that goes on with a push once it is interrupted', () => {
    expect(status('pickup-target-deaf', 'stops promptly with an error when interrupted midway')).toBe('failed');
    expect(status('pickup-target-deaf', 'stops an interrupted push with an error')).toBe('passed');
  });

  it('fails a target that leaves what a failed push wrote', () => {
    expect(status('pickup-target-untidy', 'leaves nothing that lists as complete when a push fails midway')).toBe(
      'failed',
    );
  });

  it('fails a target whose check leaves a file behind', () => {
    expect(status('pickup-target-littering', 'check passes when a push could run, and leaves nothing behind')).toBe(
      'failed',
    );
  });

  it('fails a target that reads a missing file as an empty one', () => {
    expect(status('pickup-target-silent', 'reads a file the backup does not have as ENOENT')).toBe('failed');
  });

  it("fails a target that reads another backup's bytes", () => {
    expect(status('pickup-target-crossed', 'stores each run whole')).toBe('failed');
  });

  it('fails a target whose removal changes a neighbour backup', () => {
    expect(status('pickup-target-shredding', 'removes one backup and leaves the others whole')).toBe('failed');
    expect(status('pickup-target-shredding', 'stores each run whole')).toBe('passed');
  });

  it('fails a target that logs the data it stores', () => {
    expect(status('pickup-target-leaky', 'stores each run whole')).toBe('failed');
  });

  it('fails a target whose read drops what a slow reader has not taken yet', () => {
    expect(status('pickup-target-hasty', 'gives a file whole to a reader that takes its time')).toBe('failed');
  });

  it('fails a target that describes itself over two lines', () => {
    expect(status('pickup-target-wordy', 'describes itself in one line')).toBe('failed');
  });

  it('fails a target whose removal, cut off, leaves a backup that lists complete with files missing', () => {
    expect(
      status(
        'pickup-target-in-place-remove',
        'leaves every backup that lists as complete whole when a removal is killed',
      ),
    ).toBe('failed');
    expect(status('pickup-target-in-place-remove', 'removes one backup and leaves the others whole')).toBe('passed');
  });
});
