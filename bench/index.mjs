#!/usr/bin/env node
// Pickup's benchmarks: each case against the standard tool doing the same work, in the same process,
// on data generated deterministically. Prints a table of medians and ratios (see docs/performance.md).
// Usage: pnpm bench [--quick] [--scale N] [--runs N] [--only case,case] [--node 20,24] [--data DIR] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataSets, ensureData } from './lib/data.mjs';
import { compare, measure } from './lib/measure.mjs';
import { resolveNodes } from './lib/nodes.mjs';
import { formatTable } from './lib/table.mjs';
import * as encryption from './cases/encryption.mjs';
import * as endToEnd from './cases/end-to-end.mjs';
import * as folder from './cases/folder.mjs';
import * as folderSplit from './cases/folder-split.mjs';
import * as nights from './cases/nights.mjs';
import * as postgres from './cases/postgres.mjs';
import * as report from './cases/report.mjs';
import * as startup from './cases/startup.mjs';
import * as transfer from './cases/transfer.mjs';
import { describeFiles, makeRunId, writeManifest } from '../packages/core/dist/index.js';

const CASES = [folder, folderSplit, endToEnd, postgres, transfer, encryption, startup, report, nights];
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string' },
    node: { type: 'string' },
    data: { type: 'string', default: join(tmpdir(), 'pickup-bench-data') },
    json: { type: 'string' },
  },
});
const scale = Number(values.scale ?? (values.quick ? 0.02 : 1));
const runs = Number(values.runs ?? (values.quick ? 1 : 3));
// A case marked `onlyWhenNamed` (nights: about 40 minutes) runs with --only alone.
const selected = values.only
  ? CASES.filter((c) => values.only.split(',').includes(c.name))
  : CASES.filter((c) => !c.onlyWhenNamed);
const log = (line) => process.stderr.write(`${line}\n`);

// Pickup's contenders run on each of these Node versions, the references once.
const { nodes, missing } = resolveNodes(values.node ?? '20,24');
if (nodes.length === 0 || (values.node && missing.length > 0)) {
  for (const line of missing) log(line);
  process.exit(2);
}

/** How to reach the test servers, starting them if they are not running (as `pnpm test` does). */
function servers() {
  const started = spawnSync('bash', [join(repo, 'scripts/test-servers.sh'), 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const file = join(repo, '.test-servers/env');
  if (started.status !== 0 || !existsSync(file)) return undefined;
  const env = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    postgres: {
      host: env.PICKUP_TEST_PG_HOST,
      port: Number(env.PICKUP_TEST_PG_PORT),
      user: env.PICKUP_TEST_PG_USER,
      password: env.PICKUP_TEST_PG_PASSWORD,
      bin: env.PICKUP_TEST_PG_BIN,
    },
    ftp: {
      host: env.PICKUP_TEST_FTP_HOST,
      port: Number(env.PICKUP_TEST_FTP_PORT),
      user: env.PICKUP_TEST_FTP_USER,
      password: env.PICKUP_TEST_FTP_PASSWORD,
      home: env.PICKUP_TEST_FTP_HOME,
    },
    s3: env.PICKUP_TEST_S3_ENDPOINT
      ? {
          endpoint: env.PICKUP_TEST_S3_ENDPOINT,
          region: env.PICKUP_TEST_S3_REGION,
          accessKeyId: env.PICKUP_TEST_S3_ACCESS_KEY,
          secretAccessKey: env.PICKUP_TEST_S3_SECRET_KEY,
          dir: env.PICKUP_TEST_S3_DIR,
        }
      : undefined,
  };
}

/** Total bytes of the regular files under `dir`. */
async function bytesOf(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const skipped = [...missing];
const scratch = await mkdtemp(join(tmpdir(), 'pickup-bench-'));
const sets = dataSets(values.data, scale);
const byteCache = new Map();
const ctx = {
  repo,
  scratch,
  runs,
  scale,
  quick: values.quick,
  level: 6,
  log,
  bin: join(repo, 'packages/cli/dist/bin.js'),
  servers: selected.some((c) => c.needsServers) ? servers() : undefined,
  data: (name) => ensureData(sets[name], log),
  async bytesOf(dir) {
    if (!byteCache.has(dir)) byteCache.set(dir, await bytesOf(dir));
    return byteCache.get(dir);
  },
  clean: (path) => rm(path, { recursive: true, force: true }),
  measure,
  nodes,
  /** Runs a script of bench/ with `node` (a path; default this process's Node). */
  node: (script, args, node = process.execPath) => measure(node, [join(here, script), ...args]),
  /**
   * A contender of Pickup's, once per Node version: `run(node)` gets the path of the Node to run;
   * each result carries its `node` (the major version) for the table.
   */
  perNode: (contender) =>
    nodes.map((node) => ({ ...contender, node: node.major, run: () => contender.run(node.path) })),
  /** A line printed under the table: a contender left out and why. */
  note: (line) => skipped.push(line),
  compare: (contenders, times = runs) => compare(contenders, times),
  /** node_modules/@pickup of a project folder, linked to this repository's packages. */
  async linkPlugins(project) {
    await mkdir(join(project, 'node_modules/@pickup'), { recursive: true });
    for (const name of await readdir(join(repo, 'packages')))
      await symlink(join(repo, 'packages', name), join(project, 'node_modules/@pickup', name));
  },
  /** A staged run of the files under `dir` (as source `data`), with its manifest, as a target gets it. */
  async stagedRun(dir) {
    const runId = makeRunId(new Date('2026-01-01T02:00:00Z'));
    const runDir = join(scratch, 'staged', runId);
    await mkdir(runDir, { recursive: true });
    await symlink(dir, join(runDir, 'data'));
    const files = await describeFiles(runDir, join(runDir, 'data/'));
    await writeManifest(runDir, {
      format: 'pickup-manifest/1',
      runId,
      host: 'bench',
      pickupVersion: 'bench',
      status: 'complete',
      startedAt: '',
      finishedAt: '',
      sources: [
        {
          name: 'data',
          plugin: 'bench',
          pluginVersion: '0',
          status: 'ok',
          problems: [],
          startedAt: '',
          finishedAt: '',
          files,
        },
      ],
    });
    return { dir: runDir, paths: files.map((file) => join(runDir, file.path)) };
  },
};

const rows = [];
try {
  for (const c of selected) {
    if (c.needsServers && !ctx.servers) {
      skipped.push(
        `${c.title}: skipped, the test servers did not start (run as root: bash scripts/test-servers.sh start)`,
      );
      continue;
    }
    log(`running ${c.title} (${runs} run(s) each) ...`);
    const caseRows = await c.run(ctx);
    log(formatTable(caseRows));
    rows.push(...caseRows);
    await rm(join(scratch), { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const cpu = cpus();
const nodeVersions = nodes.map((node) => `Node ${node.version}`).join(', ');
console.log(
  `Pickup benchmarks: ${new Date().toISOString().slice(0, 10)}, ${nodeVersions}, ${cpu.length} cores (${cpu[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
const pickupNodes = nodes.map((node) => `Node ${node.major}`).join(' and ');
console.log(
  `scale ${scale}, median of ${runs} run(s), gzip level ${ctx.level}, Pickup's rows on ${pickupNodes} (column node), ` +
    `the references once, data in ${values.data}\n`,
);
console.log(formatTable(rows));
for (const line of skipped) console.log(`\n${line}`);
if (values.json)
  await writeFile(
    values.json,
    JSON.stringify(
      {
        scale,
        runs,
        node: process.versions.node,
        nodes: nodes.map(({ major, version }) => ({ major, version })),
        cores: cpu.length,
        rows: rows.map(({ last, ...row }) => row),
        skipped,
      },
      null,
      2,
    ),
  );
