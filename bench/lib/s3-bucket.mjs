// A bucket of its own on the test radosgw for the S3 transfers, reached by rclone (the reference) through a
// config file: the secret never goes on a command line.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const hasRclone = () => !spawnSync('rclone', ['version'], { stdio: 'ignore' }).error;

/**
 * rclone's environment: without AWS_CA_BUNDLE, which rclone's S3 library cannot use with its own HTTP
 * transport (it fails to start); the test server speaks plain http anyway.
 */
export const rcloneEnv = { AWS_CA_BUNDLE: '' };

/**
 * Creates the bucket; returns rclone's config file and remote (`bench:<bucket>`), the secret's file for
 * the S3 target, `clear()` (empties the bucket) and `remove()`.
 */
export async function benchBucket(s3, scratch, log) {
  const bucket = `pickup-bench-${randomBytes(4).toString('hex')}`;
  const config = join(scratch, 'rclone.conf');
  await writeFile(
    config,
    [
      '[bench]',
      'type = s3',
      'provider = Ceph',
      `access_key_id = ${s3.accessKeyId}`,
      `secret_access_key = ${s3.secretAccessKey}`,
      `endpoint = ${s3.endpoint}`,
      `region = ${s3.region}`,
      'force_path_style = true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const secretFile = join(scratch, 's3-secret');
  await writeFile(secretFile, `${s3.secretAccessKey}\n`, { mode: 0o600 });
  const rclone = (...args) => {
    const done = spawnSync('rclone', ['--config', config, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...rcloneEnv },
    });
    if (done.status !== 0) throw new Error(`rclone ${args.join(' ')}: ${(done.stderr || String(done.error)).trim()}`);
  };
  rclone('mkdir', `bench:${bucket}`);
  let gcFailed = false;
  // The server keeps objects in memory and frees what was deleted only after rgw's garbage collection
  // (2 hours by default): collected now, or a few runs of 1 GB would fill it.
  const collect = () => {
    const done = spawnSync('radosgw-admin', ['-c', join(s3.dir, 'ceph.conf'), 'gc', 'process', '--include-all'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if ((done.status !== 0 || done.error) && !gcFailed) {
      gcFailed = true;
      log(
        `radosgw-admin gc process failed (deleted objects stay in the server's memory for 2 hours): ${done.stderr ?? done.error}`,
      );
    }
  };
  return {
    bucket,
    config,
    remote: `bench:${bucket}`,
    secretFile,
    clear() {
      rclone('delete', `bench:${bucket}`);
      collect();
    },
    remove() {
      rclone('purge', `bench:${bucket}`);
      collect();
    },
  };
}
