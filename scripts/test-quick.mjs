#!/usr/bin/env node
// `pnpm test:quick`: the tests that need no server (and no root, unless run as root), on this machine's Node
// only, then which test files it left out and why. A file says what it needs on its first line (`// needs:
// postgres`, scripts/test-needs.mjs); `pnpm test` runs them all.
// Usage: node scripts/test-quick.mjs [vitest options and filters...]
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsOf, PROGRAMS, SERVERS, testFiles } from './test-needs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const filters = args.filter((arg) => !arg.startsWith('-'));
const asRoot = process.getuid?.() === 0;

/** Why test:quick leaves out a file that needs `needs`: a group and what of it, or undefined to run it. */
function leftOutFor(needs) {
  const servers = needs.filter((need) => SERVERS.includes(need));
  if (servers.length > 0) return { group: 'servers', what: servers };
  if (needs.includes('root') && !asRoot) return { group: 'root', what: [] };
  const missing = needs.filter((need) => PROGRAMS.includes(need) && !installed(need));
  if (missing.length > 0) return { group: 'programs', what: missing };
  if (needs.includes('time')) return { group: 'time', what: [] };
  return undefined;
}

let files;
try {
  files = testFiles(root).map((file) => ({ file, needs: needsOf(root, file) }));
} catch (error) {
  console.error(`test:quick: ${error.message}`);
  process.exit(2);
}
const leftOut = { servers: [], root: [], programs: [], time: [] };
for (const { file, needs } of files) {
  const reason = leftOutFor(needs);
  if (reason) leftOut[reason.group].push({ file, what: reason.what });
}
const excluded = Object.values(leftOut)
  .flat()
  .map(({ file }) => file);

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', ...excluded.flatMap((file) => ['--exclude', file]), ...args], {
  cwd: root,
  stdio: 'inherit',
});

// Counted among the files the filters select, as vitest selects them (a part of the path).
const selected = (entries) =>
  entries.filter(({ file }) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
const lines = [];
const tell = (entries, why) => {
  if (entries.length > 0) lines.push(`  ${entries.length} ${entries.length === 1 ? 'file' : 'files'} ${why(entries)}`);
};
tell(selected(leftOut.servers), (entries) => `that need servers: ${countsOf(entries)}`);
tell(selected(leftOut.root), (entries) => `that need root: ${names(entries)}`);
tell(selected(leftOut.programs), (entries) => `that need programs not installed: ${countsOf(entries)}`);
tell(selected(leftOut.time), () => 'too slow for it (needs: time)');
if (lines.length > 0) console.log(`\ntest:quick left out (pnpm test runs them):\n${lines.join('\n')}`);
process.exit(run.status ?? 1);

/** "postgres (12), mariadb (9)": how many files need each, most first. */
function countsOf(entries) {
  const counts = new Map();
  for (const { what } of entries) for (const name of what) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} (${count})`)
    .join(', ');
}

function names(entries) {
  return entries.map(({ file }) => file).join(', ');
}

function installed(program) {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
