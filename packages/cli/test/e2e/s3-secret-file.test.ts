import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { s3 } from '../../../../test/servers.js';

const server = s3();
const admin = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  forcePathStyle: true,
});

describe('s3 target: secretAccessKeyFile is read as every secret file', () => {
  const bucket = `pickup-e2e-${randomBytes(4).toString('hex')}`;
  let project: Project;

  beforeAll(async () => {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
  });
  afterAll(async () => {
    await project.remove();
    const page = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (versions.length > 0) await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions, Quiet: true } }));
  });

  it('a secret file others can read: the run works, warns once, and never shows the secret', async () => {
    await writeFile(project.path('s3-secret'), `${server.secretAccessKey}\r\n`, { mode: 0o644 });
    await project.writeConfig(
      {
        sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
        targets: [
          {
            name: 'bucket',
            use: 's3',
            with: {
              bucket,
              endpoint: server.endpoint,
              region: server.region,
              forcePathStyle: true,
              accessKeyId: server.accessKeyId,
              secretAccessKeyFile: './s3-secret',
            },
          },
        ],
      },
      'pickup.config.json',
    );
    const run = await pickup(['--verbose'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/s3-secret holds a secret access key and can be read by others \(mode 644\); chmod 600 it/g)).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(server.secretAccessKey);
  });
});
