import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const vitest = join(here, '../../../node_modules/vitest/vitest.mjs');

interface Outcome {
  fullName: string;
  status: string;
}

describe('the conformance suites catch plugins that break the contract', () => {
  let outcomes: Outcome[];
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pickup-testkit-self-'));
    const report = join(scratch, 'report.json');
    spawnSync(process.execPath, [vitest, 'run', '--config', join(here, 'fixtures/vitest.config.ts'), '--reporter=json', `--outputFile=${report}`], {
      encoding: 'utf8',
    });
    const results = JSON.parse(await readFile(report, 'utf8')) as { testResults: { assertionResults: Outcome[] }[] };
    outcomes = results.testResults.flatMap((file) => file.assertionResults);
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const statusOf = (name: string) => {
    const found = outcomes.filter((outcome) => outcome.fullName.includes(name));
    expect(found, name).toHaveLength(1);
    return found[0]!.status;
  };

  it('fails a target that writes the final name before the data is complete', () => {
    expect(statusOf('pickup-target-non-atomic keeps the target contract leaves nothing that lists as complete when a push fails midway')).toBe('failed');
    expect(statusOf('pickup-target-non-atomic keeps the target contract leaves nothing that lists as complete when a push fails at the manifest')).toBe('failed');
    // The same target stores and reads a run that goes well: the suite fails what is broken, not everything.
    expect(statusOf('pickup-target-non-atomic keeps the target contract stores a run whole')).toBe('passed');
  });

  it('fails a source that shows its password in a log line', () => {
    expect(statusOf('pickup-source-leaky keeps the source contract backs up into its own folder only')).toBe('failed');
  });

  it('fails a target that reads a missing file as an empty one', () => {
    expect(statusOf('pickup-target-silent keeps the target contract reads a file the backup does not have as ENOENT')).toBe('failed');
  });

  it('fails a source that writes outside its own folder', () => {
    expect(statusOf('pickup-source-straying keeps the source contract backs up into its own folder only')).toBe('failed');
    expect(statusOf('pickup-source-straying keeps the source contract is a source plugin of this core')).toBe('passed');
  });
});
