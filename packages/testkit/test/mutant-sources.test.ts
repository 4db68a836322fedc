// needs: time
import { beforeAll, describe, expect, it } from 'vitest';
import { runSuites, statusOf, type Outcome } from './run-suites.js';

/** The tests of `describeSource`, by rule. */
const test = {
  ownFolder: 'backs up into its own folder only, leaving no temp files',
  dataAsItWas: 'leaves what it backs up as it was',
  regularFiles: 'stages regular files only, at least one, without warnings',
  interruptedBefore: 'stops with an error when the run is interrupted before it begins',
  interruptedMidway: 'stops promptly with an error when interrupted midway, leaving nothing running',
  partial: 'backs up what it can with a warning when a part cannot be backed up',
  broken: 'fails with a clear one-line message when it cannot back up',
  check: 'check passes when a backup could run, and writes nothing',
  restore: 'restores what it backed up, writing nothing outside the destination',
  notEmpty: 'refuses to restore into a destination that is not empty, unless forced',
  missingPart: 'refuses to restore a part the backup does not have',
  plugin: 'is a source plugin of this core',
  describe: 'describes itself in one line',
  facts: 'records facts for its drill that are plain JSON, and small',
  drill: 'restores a backup into scratch space only and finds it as recorded, in one line, leaving no scratch database',
  drillDiffers: 'fails with one line when what it restored differs from the facts the backup recorded',
  drillWithoutFacts: 'restores a backup that recorded no facts, comparing nothing, in one line',
  drillInterrupted: 'stops a drill promptly with an error when interrupted midway, leaving no scratch database',
};

/**
 * Each mutant breaks one rule of the source contract; the suite must fail it in the test named for that
 * rule, for that rule's reason (a failure message it gives).
 */
/** The JSON reporter's outcome also holds why a test failed. */
type Reported = Outcome & { failureMessages?: string[] };

describe('the source suite fails every source that breaks the contract', () => {
  let outcomes: Reported[];
  beforeAll(async () => {
    outcomes = await runSuites('sources.suite.ts');
  }, 600_000); // every mutant through the whole suite, one after the other: minutes on a busy machine
  /** The failure messages of `source`'s test `name`, which must have failed. */
  const failureOf = (source: string, name: string) => {
    const full = `${source} keeps the source contract ${name}`;
    expect(statusOf(outcomes, full), full).toBe('failed');
    return outcomes.find((outcome) => outcome.fullName.includes(full))!.failureMessages!.join('\n');
  };

  it('passes a source that keeps the contract, in every test', () => {
    const sound = outcomes.filter((outcome) => outcome.fullName.startsWith('pickup-source-sound '));
    expect(sound.length).toBeGreaterThanOrEqual(Object.keys(test).length);
    const failed = sound.filter((outcome) => outcome.status !== 'passed');
    expect(failed.map((outcome) => `${outcome.fullName}: ${outcome.failureMessages?.join(' ')}`)).toEqual([]);
  });

  it('fails a source that writes outside its own folder', () => {
    expect(failureOf('pickup-source-straying', test.ownFolder)).toContain(
      'in the staging area: unexpected: run/stray.txt',
    );
    expect(statusOf(outcomes, `pickup-source-straying keeps the source contract ${test.dataAsItWas}`)).toBe('passed');
  });

  it('fails a source that leaves a file in the temp folder', () => {
    expect(failureOf('pickup-source-littering', test.ownFolder)).toMatch(
      /left in the temp folder: unexpected: pickup-source-littering-\d+\.lst/,
    );
  });

  it('fails a source that changes what it backs up', () => {
    expect(failureOf('pickup-source-meddling', test.dataAsItWas)).toMatch(/data\/zero-bytes: mtime/);
    expect(statusOf(outcomes, `pickup-source-meddling keeps the source contract ${test.ownFolder}`)).toBe('passed');
  });

  it('fails a source that leaves a symlink in its folder', () => {
    expect(failureOf('pickup-source-linking', test.regularFiles)).toContain('latest (symlink)');
  });

  it('fails a source that succeeds having made nothing usable', () => {
    expect(failureOf('pickup-source-hollow', test.broken)).toContain('the backup of the broken fixture');
  });

  it('fails a source that throws where it should warn', () => {
    expect(failureOf('pickup-source-all-or-nothing', test.partial)).toContain(
      'a part it could not back up is a warning, not a failure',
    );
  });

  it('fails a source that goes on when the run is interrupted midway', () => {
    expect(failureOf('pickup-source-unstoppable', test.interruptedMidway)).toContain('the interrupted backup');
    expect(statusOf(outcomes, `pickup-source-unstoppable keeps the source contract ${test.interruptedBefore}`)).toBe(
      'passed',
    );
  });

  it('fails a source that fails when interrupted but leaves a program it started running', () => {
    expect(failureOf('pickup-source-orphaning', test.interruptedMidway)).toContain(
      'written into its folder after it failed',
    );
  });

  it('fails a source that ignores an interruption altogether', () => {
    expect(failureOf('pickup-source-heedless', test.interruptedBefore)).toContain('the backup of an interrupted run');
  });

  it('fails a source whose check writes a file', () => {
    expect(failureOf('pickup-source-scribbling', test.check)).toContain(
      'left in the temp folder: unexpected: pickup-source-scribbling.last-check',
    );
  });

  it('fails a source that describes itself on two lines', () => {
    expect(failureOf('pickup-source-wordy', test.describe)).toContain("not to contain '\\n'");
  });

  it('fails a source whose restore writes outside the destination', () => {
    expect(failureOf('pickup-source-spilling', test.restore)).toContain('in the work folder: unexpected: restore.log');
  });

  it('fails a source whose restore writes over a destination that is not empty without force', () => {
    expect(failureOf('pickup-source-overwriting', test.notEmpty)).toContain('expected it to fail, and it succeeded');
    expect(statusOf(outcomes, `pickup-source-overwriting keeps the source contract ${test.restore}`)).toBe('passed');
  });

  it('fails a source that restores a part the backup does not have', () => {
    expect(failureOf('pickup-source-lenient', test.missingPart)).toContain('expected it to fail, and it succeeded');
  });

  it('fails a source whose facts are not plain JSON', () => {
    expect(failureOf('pickup-source-dated-facts', test.facts)).toContain(
      'the facts read back from JSON, as the manifest keeps them',
    );
  });

  it('fails a source whose drill writes outside its scratch folder', () => {
    expect(failureOf('pickup-source-straying-drill', test.drill)).toContain(
      'in the work folder: unexpected: data/.last-drill',
    );
    expect(statusOf(outcomes, `pickup-source-straying-drill keeps the source contract ${test.restore}`)).toBe('passed');
  });

  it('fails a source whose drill passes whatever it restored', () => {
    expect(failureOf('pickup-source-credulous', test.drillDiffers)).toContain(
      'a drill of the changed data against the facts recorded before the change',
    );
    expect(statusOf(outcomes, `pickup-source-credulous keeps the source contract ${test.drill}`)).toBe('passed');
  });

  it('fails a source whose drill says what it compared on two lines', () => {
    expect(failureOf('pickup-source-chatty-drill', test.drill)).toContain("not to contain '\\n'");
    expect(failureOf('pickup-source-chatty-drill', test.drillWithoutFacts)).toContain("not to contain '\\n'");
  });

  it('fails a source whose drill goes on when interrupted midway', () => {
    expect(failureOf('pickup-source-deaf-drill', test.drillInterrupted)).toContain('the interrupted drill');
    expect(statusOf(outcomes, `pickup-source-deaf-drill keeps the source contract ${test.interruptedMidway}`)).toBe(
      'passed',
    );
  });

  it('fails a source that shows its password in a log line', () => {
    expect(failureOf('pickup-source-leaky', test.ownFolder)).toContain('secrets shown in logs or errors');
    expect(statusOf(outcomes, `pickup-source-leaky keeps the source contract ${test.plugin}`)).toBe('passed');
  });

  it('fails a source that shows the secret of its environment', () => {
    expect(failureOf('pickup-source-env-echo', test.ownFolder)).toContain('secrets shown in logs or errors');
  });
});
