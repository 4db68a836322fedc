#!/usr/bin/env node
// Runs the whole test suite on this machine's Node and on Node 24 (fetched from the npm registry),
// then prints one plain summary line: "N passed, N failed".
// Usage: node scripts/test.mjs [--node-only-current] [vitest filters...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const resultsDir = join(root, '.test-results');
const args = process.argv.slice(2);
const onlyCurrent = args.includes('--node-only-current');
const filters = args.filter((arg) => arg !== '--node-only-current');

const runtimes = [{ label: `node ${process.versions.node}`, command: [process.execPath] }];
if (!onlyCurrent) runtimes.push({ label: 'node 24', command: ['npx', '-y', 'node@24'] });

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

// The real servers the integration tests talk to (PostgreSQL...), on 127.0.0.1; see scripts/test-servers.sh.
const servers = spawnSync('bash', [join(root, 'scripts/test-servers.sh'), 'start'], { cwd: root, stdio: 'inherit' });
if (servers.status !== 0) console.log('the test servers did not start: the tests that need them will fail');

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
let broken = false;
for (const [index, runtime] of runtimes.entries()) {
  const output = join(resultsDir, `run-${index}.json`);
  console.log(`\n=== tests on ${runtime.label} ===`);
  const [command, ...prefix] = runtime.command;
  const run = spawnSync(
    command,
    [...prefix, vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile=${output}`, ...filters],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  let report;
  try {
    report = JSON.parse(readFileSync(output, 'utf8'));
  } catch {
    console.log(`tests on ${runtime.label} did not finish (exit ${run.status ?? run.signal})`);
    broken = true;
    continue;
  }
  const { failed, skipped } = countFailures(report);
  console.log(
    `${runtime.label}: ${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  totals.passed += report.numPassedTests;
  totals.failed += failed;
  totals.skipped += skipped;
  failures.push(...failedTests(report, runtime.label));
  if (run.status !== 0 && report.numFailedTests === 0) broken = true; // an error outside any test
}

spawnSync('bash', [join(root, 'scripts/test-servers.sh'), 'stop'], { cwd: root, stdio: 'inherit' });
// The failures again at the end, where a reader of only the last lines of a long log sees them.
if (failures.length > 0) console.log(`\nfailed:\n${failures.join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 || broken ? 1 : 0);

/** One line per failed test (or test file that failed as a whole): runtime, file, name, first line of the error. */
function failedTests(report, label) {
  const lines = [];
  for (const file of report.testResults) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    const failed = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failed)
      lines.push(`  ${label} ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    if (file.status === 'failed' && failed.length === 0) lines.push(`  ${label} ${where}: ${firstLine(file.message)}`);
  }
  return lines;
}

function firstLine(text) {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

/**
 * Failed tests, counting as failed every test of a file that failed before any of its tests ran (a
 * `beforeAll` that threw leaves its tests "skipped"; a file that did not even load counts as one).
 */
function countFailures(report) {
  let failed = report.numFailedTests;
  let skipped = report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    if (file.status !== 'failed') continue;
    const ran = file.assertionResults.some((test) => test.status === 'passed' || test.status === 'failed');
    if (ran) continue; // its failed tests are counted already
    const notRun = file.assertionResults.length;
    failed += Math.max(notRun, 1);
    skipped -= notRun;
  }
  return { failed, skipped };
}
