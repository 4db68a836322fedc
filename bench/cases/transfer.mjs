// The targets against the standard tools moving the same staged run (~1.1 GB at scale 1): the ftp
// target against `curl -T` to the same vsftpd, the s3 target against `rclone copy` to the same radosgw
// (the same part size and parts in flight), the folder target against `cp -r` and `sync`.
import { stat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchBucket, hasRclone, rcloneEnv } from '../lib/s3-bucket.mjs';

export const name = 'transfer';
export const title = 'targets vs curl -T, rclone and cp';
export const needsServers = true;

/** Pickup's push of the staged run with the target package `plugin`, once per Node. */
function pushes(ctx, label, plugin, options, runDir, prepare) {
  return ctx.perNode({
    label,
    prepare,
    run: (node) =>
      ctx.node('lib/target-push.mjs', [join(ctx.repo, 'packages', plugin), JSON.stringify(options), runDir], node),
  });
}

/** Rows of one comparison: the first result is the reference. */
function rowsOf(group, results, input, extra = {}) {
  return results.map((result, index) => ({
    group,
    ...result,
    inputBytes: input,
    ...(index === 0 ? { reference: true } : extra),
  }));
}

async function ftpRows(ctx, run, input) {
  const ftp = ctx.servers.ftp;
  const remote = 'pickup-bench';
  const netrc = join(ctx.scratch, 'netrc');
  const password = join(ctx.scratch, 'ftp-password');
  await writeFile(netrc, `machine ${ftp.host} login ${ftp.user} password ${ftp.password}\n`, { mode: 0o600 });
  await writeFile(password, `${ftp.password}\n`, { mode: 0o600 });
  const clearServer = () => rm(join(ftp.home, remote), { recursive: true, force: true });
  const url = `ftp://${ftp.host}:${ftp.port}/${remote}/curl/`;
  const curlEach = `for f in "$@"; do curl -sS --netrc-file "${netrc}" --ftp-create-dirs -T "$f" "${url}\${f#${run.dir}/}" || exit 1; done`;
  const options = { host: ftp.host, port: ftp.port, user: ftp.user, passwordFile: password, path: `${remote}/pickup` };
  try {
    const results = await ctx.compare([
      {
        label: 'curl -T, file by file',
        prepare: clearServer,
        run: () => ctx.measure('sh', ['-c', curlEach, 'sh', ...run.paths]),
      },
      ...pushes(ctx, 'pickup ftp target', 'target-ftp', options, run.dir, clearServer),
    ]);
    return rowsOf(`${title}: ftp to vsftpd`, results, input);
  } finally {
    await clearServer();
  }
}

async function s3Rows(ctx, run, input) {
  const s3 = ctx.servers.s3;
  const group = `${title}: s3 to radosgw`;
  if (!s3) {
    ctx.note(`${group}: skipped, no S3 server in .test-servers/env (bash scripts/test-servers.sh start)`);
    return [];
  }
  if (!hasRclone()) {
    ctx.note(`${group}: skipped, install rclone (apt-get install rclone)`);
    return [];
  }
  const bucket = await benchBucket(s3, ctx.scratch, ctx.log);
  // As the s3 target sends: one file at a time, parts of 16 MiB (above 16 MiB), 4 parts in flight,
  // each object's size checked by a HEAD request after its upload, no checksum of the whole file.
  const rcloneCopy = [
    '--config',
    bucket.config,
    'copy',
    '--copy-links',
    '--transfers',
    '1',
    '--s3-chunk-size',
    '16M',
    '--s3-upload-cutoff',
    '16M',
    '--s3-upload-concurrency',
    '4',
    '--s3-disable-checksum',
    '--s3-no-check-bucket',
    run.dir,
    `${bucket.remote}/rclone/${run.runId}`,
  ];
  const options = {
    bucket: bucket.bucket,
    prefix: 'pickup',
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    secretAccessKeyFile: bucket.secretFile,
  };
  try {
    const results = await ctx.compare([
      {
        label: 'rclone copy (16 MiB parts, 4 at a time)',
        prepare: bucket.clear,
        run: () => ctx.measure('rclone', rcloneCopy, { env: rcloneEnv }),
      },
      ...pushes(ctx, 'pickup s3 target (partSize 16 MiB, queueSize 4)', 'target-s3', options, run.dir, bucket.clear),
    ]);
    return rowsOf(group, results, input);
  } finally {
    bucket.remove();
  }
}

async function folderRows(ctx, run, input, data) {
  const copies = join(ctx.scratch, 'copies');
  const options = { path: copies, createPath: true };
  const results = await ctx.compare([
    {
      label: 'cp -r, sync',
      prepare: () => ctx.clean(copies),
      run: () => ctx.measure('sh', ['-c', 'mkdir -p "$2" && cp -rL "$1" "$2/" && sync -f "$2"', 'sh', run.dir, copies]),
    },
    ...pushes(ctx, 'pickup folder target', 'target-folder', options, run.dir, () => ctx.clean(copies)),
  ]);
  const sameFileSystem = (await stat(data)).dev === (await stat(ctx.scratch)).dev;
  const note = sameFileSystem
    ? 'the staged files hard-linked, not copied (one file system)'
    : 'the staged files copied (another file system)';
  return rowsOf(`${title}: folder`, results, input, { note });
}

export async function run(ctx) {
  const data = await ctx.data('transfer');
  const run = await ctx.stagedRun(data);
  const input = await ctx.bytesOf(data);
  return [
    ...(await ftpRows(ctx, run, input)),
    ...(await s3Rows(ctx, run, input)),
    ...(await folderRows(ctx, run, input, data)),
  ];
}
