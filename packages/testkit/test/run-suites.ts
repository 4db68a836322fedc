import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const vitest = join(here, '../../../node_modules/vitest/vitest.mjs');

export interface Outcome {
  fullName: string;
  status: string;
}

/**
 * Runs the suites of `fixtures/<file>` (the testkit's suites on its mutants) in a vitest of their own,
 * only the tests whose full names match `only` if given; every test's outcome.
 */
export async function runSuites(file: string, only?: string): Promise<Outcome[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'pickup-testkit-self-'));
  try {
    const report = join(scratch, 'report.json');
    spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        '--config',
        join(here, 'fixtures/vitest.config.ts'),
        '--reporter=json',
        `--outputFile=${report}`,
        ...(only ? ['--testNamePattern', only] : []),
        file,
      ],
      {
        encoding: 'utf8',
      },
    );
    const results = JSON.parse(await readFile(report, 'utf8')) as { testResults: { assertionResults: Outcome[] }[] };
    return results.testResults.flatMap((result) => result.assertionResults);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The outcome of the one test whose full name holds `name`. */
export function statusOf(outcomes: readonly Outcome[], name: string): string {
  const found = outcomes.filter((outcome) => outcome.fullName.includes(name));
  expect(found, name).toHaveLength(1);
  return found[0]!.status;
}
