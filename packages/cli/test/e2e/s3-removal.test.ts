// needs: s3
import { mkdir, writeFile } from 'node:fs/promises';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPrunedClean, killRemovals, listed } from '../helpers/killed-removals.js';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { emptyBucket, newBucket, s3Admin, s3Server } from '../helpers/s3-bucket.js';

/** Subfolders of the backed-up folder: as many objects in the backup. */
const FOLDERS = 150;

const server = s3Server;
const admin = s3Admin;

describe('s3 target: a removal killed at any moment', () => {
  let bucket: string;
  let project: Project;

  beforeAll(async () => {
    bucket = await newBucket();
    project = await makeProject();
    await writeFile(project.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
    for (let i = 0; i < FOLDERS; i++) {
      await mkdir(project.path('home', `u${i}`), { recursive: true });
      await writeFile(project.path('home', `u${i}`, 'notes.txt'), `user ${i}\n`);
    }
  });
  afterAll(async () => {
    await project.remove();
    await emptyBucket(bucket);
  });

  /** A copy made in the bucket, object by object, with a manifest of its own (uploaded last). */
  async function copyBackup(model: string, id: string): Promise<void> {
    const keys = (
      (await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `rm/${model}/` }))).Contents ?? []
    ).map((object) => object.Key!);
    const data = keys.filter((key) => !key.endsWith('/manifest.json'));
    for (let at = 0; at < data.length; at += 16) {
      await Promise.all(
        data.slice(at, at + 16).map((key) =>
          admin.send(
            new CopyObjectCommand({
              Bucket: bucket,
              CopySource: `${bucket}/${key}`,
              Key: key.replace(`rm/${model}/`, `rm/${id}/`),
            }),
          ),
        ),
      );
    }
    const stored = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: `rm/${model}/manifest.json` }));
    const manifest = JSON.parse(await stored.Body!.transformToString());
    await admin.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `rm/${id}/manifest.json`,
        Body: JSON.stringify({ ...manifest, runId: id }),
      }),
    );
  }

  /** Begun once a copy's manifest is gone (it goes first). */
  const removalBegun = async (ids: string[]) =>
    (
      await Promise.all(
        ids.map((id) =>
          admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `rm/${id}/manifest.json` })).then(
            () => false,
            () => true,
          ),
        ),
      )
    ).some(Boolean);

  it('leaves no backup that lists complete with objects missing, and the next prune removes what it left', async () => {
    await project.writeConfig(
      {
        sources: [{ name: 'home', use: 'folder-split', with: { path: './home', gzipLevel: 1 } }],
        targets: [
          {
            name: 'bucket',
            use: 's3',
            with: {
              bucket,
              prefix: 'rm',
              endpoint: server.endpoint,
              region: server.region,
              forcePathStyle: true,
              accessKeyId: server.accessKeyId,
              secretAccessKeyFile: './s3-secret',
            },
            retention: { keepLast: 1 },
          },
        ],
      },
      'pickup.config.json',
    );
    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const [model] = await listed(project);
    await killRemovals({ project, copyBackup, removalBegun }, model!.id, [5, 20]);
    await expectPrunedClean(project, model!.id);
  }, 60_000);
});
