// needs: s3
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { emptyBucket, newBucket, s3Server } from '../helpers/s3-bucket.js';

const server = s3Server;

describe('s3 target: secretAccessKeyFile is read as every secret file', () => {
  let bucket: string;
  let project: Project;

  beforeAll(async () => {
    bucket = await newBucket();
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
  });
  afterAll(async () => {
    await project.remove();
    await emptyBucket(bucket);
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
    expect(
      run.stderr.match(/s3-secret holds a secret access key and can be read by others \(mode 644\); chmod 600 it/g),
    ).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(server.secretAccessKey);
  });
});
