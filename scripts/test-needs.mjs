// What a test file needs beyond Node and this checkout, stated on its first line:
//   // needs: postgres, root
// `pnpm test` runs every file and gives each what it needs; `pnpm test:quick` leaves out those it cannot.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The test servers scripts/test-servers.sh starts (test/servers.ts: `postgres()`, `mariadb()`, `ftp()`, `ssh()`, `s3()`). */
export const SERVERS = ['postgres', 'mariadb', 'ftp', 'ssh', 's3'];
/** Programs the tests run that a Debian machine does not have by default (scripts/install-test-deps.sh installs them). */
export const PROGRAMS = ['restic', 'faketime', 'age', 'chromium'];
/**
 * `root`: works only as root (reads a file of mode 000, writes to /var/backups...). `time`: more than about 10 s of
 * CPU on its own; test:quick leaves these out to stay under a minute on two cores.
 */
export const NEEDS = [...SERVERS, ...PROGRAMS, 'root', 'time'];

const MARKER = /^\/\/ needs: (.*)$/;

/** The test files vitest runs (vitest.config.ts), as it lists them: relative to `root`, sorted. */
export function testFiles(root) {
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const listed = spawnSync(process.execPath, [vitest, 'list', '--filesOnly', '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`vitest list failed: ${listed.stderr.trim()}`);
  return JSON.parse(listed.stdout)
    .map(({ file }) => relative(root, file))
    .sort();
}

/** What `file` (under `root`) says it needs on its first line; [] without a marker. Throws on a word not in NEEDS. */
export function needsOf(root, file) {
  const firstLine = readFileSync(join(root, file), 'utf8').split('\n', 1)[0];
  const words =
    MARKER.exec(firstLine)?.[1]
      .split(',')
      .map((word) => word.trim()) ?? [];
  const unknown = words.filter((word) => !NEEDS.includes(word));
  if (unknown.length > 0)
    throw new Error(`${file}: unknown need ${unknown.join(', ')} on its first line (known: ${NEEDS.join(', ')})`);
  return words;
}
