// What 30 nights of backups cost at each target: a ~215 MB tree and a ~60 MB database, about 1% of both
// changed each night, backed up by `pickup run` to the folder, FTP and restic targets, and by restic
// itself (the tree, and pg_dump through --stdin) as the reference. Every contender keeps every night.
// Pickup runs on the first Node of --node only: the nights of two would take twice the 40 minutes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median } from '../lib/measure.mjs';
import { workingDatabase } from '../lib/nights-database.mjs';
import { changeTree, listFiles } from '../lib/nights-tree.mjs';

export const name = 'nights';
export const title = 'nights of ~1% changes, every night kept';
export const needsServers = true;
/** 30 nights take about 40 minutes on 2 cores: not part of a plain `pnpm bench`. */
export const onlyWhenNamed = true;

const MB = 1024 * 1024;
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;

/** Total bytes of the regular files under `dir` (0 if it is not there yet). */
async function bytesUnder(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** A project folder as a user sets one up: the config, node_modules/@pickup linked to this repository. */
async function pickupContender(ctx, { label, project: projectName, sources, target, store, env }) {
  const project = join(ctx.scratch, projectName);
  await mkdir(project, { recursive: true });
  await ctx.linkPlugins(project);
  const config = join(project, 'pickup.config.ts');
  const body = { sources, targets: [target], staging: './staging', log: { dir: './logs' } };
  await writeFile(config, `export default ${JSON.stringify(body, null, 2)};\n`);
  const [node] = ctx.nodes;
  return {
    label,
    store,
    node: node.major,
    run: () => ctx.measure(node.path, [ctx.bin, 'run', '--quiet', '--config', config], { cwd: project, env }),
  };
}

/** restic by hand: the tree, then pg_dump's plain output through --stdin, each a snapshot of its own. */
function referenceContender(ctx, { tree, database, pg, repository, passwordFile, env }) {
  const script = `set -eo pipefail
if [ "$1" = 1 ]; then restic init --quiet; fi
restic backup --quiet "$2"
"$3/pg_dump" -h "$4" -p "$5" -U "$6" "$7" | restic backup --quiet --stdin --stdin-filename db.sql`;
  const args = [tree, pg.bin, pg.host, String(pg.port), pg.user, database];
  const resticEnv = {
    ...env,
    RESTIC_REPOSITORY: repository,
    RESTIC_PASSWORD_FILE: passwordFile,
    PGPASSWORD: pg.password,
  };
  return {
    label: 'restic backup (reference)',
    reference: true,
    store: repository,
    run: (night) => ctx.measure('bash', ['-c', script, 'bash', String(night), ...args], { env: resticEnv }),
  };
}

async function secretFile(dir, name, value) {
  const file = join(dir, name);
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return file;
}

export async function run(ctx) {
  const nights = ctx.quick ? 3 : 30;
  const { postgres: pg, ftp } = ctx.servers;
  const tree = join(ctx.scratch, 'tree');
  execFileSync('cp', ['-a', await ctx.data('nights'), tree]);
  const files = await listFiles(tree);
  const secrets = join(ctx.scratch, 'secrets');
  await mkdir(secrets, { mode: 0o700 });
  const pgPassword = await secretFile(secrets, 'pg-password', pg.password);
  const ftpPassword = await secretFile(secrets, 'ftp-password', ftp.password);
  const resticPassword = await secretFile(secrets, 'restic-password', randomBytes(16).toString('hex'));
  const remote = `pickup-bench-nights-${randomBytes(4).toString('hex')}`;
  // restic's cache of every contender in the scratch folder, not in the user's ~/.cache.
  const env = { XDG_CACHE_HOME: join(ctx.scratch, 'cache') };
  const db = workingDatabase(pg, ctx.scale, ctx.log);
  try {
    const login = { host: pg.host, port: pg.port, user: pg.user, passwordFile: pgPassword, binDir: pg.bin };
    const postgres = (format) => ({
      name: 'db',
      use: 'postgres',
      with: { ...login, databases: [db.database], globals: false, ...format },
    });
    const folder = (compression) => ({ name: 'files', use: 'folder', with: { path: tree, ...compression } });
    const contenders = [
      await pickupContender(ctx, {
        label: 'pickup run, folder target (gzip, pg custom)',
        project: 'to-folder',
        sources: [folder(), postgres()],
        target: { name: 'disk', use: 'folder', with: { path: './store', createPath: true } },
        store: join(ctx.scratch, 'to-folder/store'),
        env,
      }),
      await pickupContender(ctx, {
        label: 'pickup run, ftp target (gzip, pg custom)',
        project: 'to-ftp',
        sources: [folder(), postgres()],
        target: {
          name: 'ftp',
          use: 'ftp',
          with: { host: ftp.host, port: ftp.port, user: ftp.user, passwordFile: ftpPassword, path: remote },
        },
        store: join(ftp.home, remote),
        env,
      }),
      await pickupContender(ctx, {
        label: 'pickup run, restic target (tar, pg plain)',
        project: 'to-restic',
        sources: [folder({ compression: 'none' }), postgres({ format: 'plain' })],
        target: {
          name: 'vault',
          use: 'restic',
          with: { repository: './repo', passwordFile: resticPassword, init: true },
        },
        store: join(ctx.scratch, 'to-restic/repo'),
        env,
      }),
      referenceContender(ctx, {
        tree,
        database: db.database,
        pg,
        repository: join(ctx.scratch, 'reference-repo'),
        passwordFile: resticPassword,
        env,
      }),
    ];
    const samples = contenders.map(() => []);
    for (let night = 1; night <= nights; night++) {
      let changes = 'the first backup';
      if (night > 1) {
        const { changed, added, bytes } = await changeTree(tree, files, night);
        db.change(night);
        changes = `${changed} files changed, ${added} added (${mb(bytes)}), ~1% of the rows updated`;
      }
      const done = [];
      for (const [index, contender] of contenders.entries()) {
        const before = await bytesUnder(contender.store);
        const { seconds, peakRss } = await contender.run(night);
        const sent = (await bytesUnder(contender.store)) - before;
        samples[index].push({ seconds, peakRss, sent });
        done.push(`${seconds.toFixed(1)} s +${mb(sent)}`);
      }
      ctx.log(`night ${night}/${nights}: ${changes}; ${done.join(', ')}`);
    }
    return await rowsOf(`${nights} ${title}`, contenders, samples);
  } finally {
    db.drop();
    await ctx.clean(join(ftp.home, remote));
  }
}

/** One row per contender: medians over the nights, the store after the last one, the first and last nights apart. */
async function rowsOf(group, contenders, samples) {
  const rows = [];
  for (const [index, contender] of contenders.entries()) {
    const nights = samples[index];
    const [first, ...later] = nights;
    const last = nights.at(-1);
    rows.push({
      group,
      label: contender.label,
      node: contender.node,
      seconds: median(nights.map((night) => night.seconds)),
      peakRss: median(nights.map((night) => night.peakRss)),
      storedBytes: await bytesUnder(contender.store),
      sentBytes: median((later.length > 0 ? later : nights).map((night) => night.sent)),
      note: `first night ${first.seconds.toFixed(1)} s, ${mb(first.sent)}; last ${last.seconds.toFixed(1)} s, ${mb(last.peakRss)} RSS`,
      reference: contender.reference,
    });
  }
  const restic = rows.find((row) => row.label.includes('restic target'));
  for (const row of rows.filter((row) => !row.label.includes('restic')))
    row.note += `; stored ${(row.storedBytes / restic.storedBytes).toFixed(1)}x the restic target's`;
  return rows;
}
