// needs: s3, faketime
import { mkdir, writeFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { emptyBucket, newBucket, s3Admin, s3Server } from '../helpers/s3-bucket.js';

const DAY = 24 * 3600;

/** Three hosts share a bucket, each under its own prefix: web1 is fresh, web2 two days old, web3's last backup partial. */
describe('pickup report over three hosts sharing a bucket', () => {
  let project: Project;
  let bucket: string;
  const config = (host: string) => `${host}.config.ts`;

  const hostConfig = (host: string, extraSources: unknown[] = []) => ({
    sources: [{ name: 'files', use: 'folder', with: { path: `./data-${host}` } }, ...extraSources],
    targets: [
      {
        name: 'fleet',
        use: 's3',
        with: {
          bucket,
          prefix: `fleet/${host}`,
          endpoint: s3Server.endpoint,
          region: s3Server.region,
          forcePathStyle: true,
          accessKeyId: s3Server.accessKeyId,
          secretAccessKeyFile: './s3-secret',
        },
      },
    ],
  });
  const run = (host: string, wrap?: string[]) =>
    pickup(['run', '--config', config(host)], { cwd: project.dir, ...(wrap ? { wrap, env: { TZ: 'UTC' } } : {}) });
  // Each report keeps its cache of manifests in the project (never in the home folder of whoever runs the tests).
  const report = (...args: string[]) =>
    pickup(['report', '--config', config('web1'), ...args], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });

  beforeAll(async () => {
    project = await makeProject();
    bucket = await newBucket();
    await writeFile(project.path('s3-secret'), `${s3Server.secretAccessKey}\n`, { mode: 0o600 });
    for (const host of ['web1', 'web2', 'web3']) {
      await mkdir(project.path(`data-${host}`));
      await writeFile(project.path(`data-${host}/index.html`), `<h1>${host}</h1>\n`.repeat(100 * host.length));
      await project.writeConfig(hostConfig(host), config(host));
    }
    // web2 last backed up two days ago (its clock set back; the SDK corrects the skew with the server's).
    const twoDaysAgo = new Date(Date.now() - 2 * DAY * 1000).toISOString().slice(0, 19).replace('T', ' ');
    expect((await run('web2', ['faketime', '-f', `@${twoDaysAgo}`])).code).toBe(0);
    expect((await run('web1')).code).toBe(0);
    expect((await run('web3')).code).toBe(0);
    expect((await run('web1')).code).toBe(0);
    // web3's next backup is partial: a source whose folder is gone.
    await project.writeConfig(
      hostConfig('web3', [{ name: 'uploads', use: 'folder', with: { path: './gone' } }]),
      config('web3'),
    );
    expect((await run('web3')).code).toBe(1);
  }, 120_000);
  afterAll(async () => {
    await project.remove();
    await emptyBucket(bucket);
  });

  it('--json: each host with its newest complete backup, age, kept backups and the partial one after it', async () => {
    const result = await report('--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.format).toBe('pickup-report/1');
    const hosts = document.targets[0].hosts;
    expect(hosts.map((h: { host: string }) => h.host)).toEqual(['web1', 'web2', 'web3']);
    const [web1, web2, web3] = hosts;
    expect(web1).toMatchObject({ own: true, kept: 2, stale: false, laterProblem: null });
    expect(web1.ageSeconds).toBeLessThan(600);
    expect(web1.newest.sources).toEqual([{ name: 'files', status: 'ok', bytes: web1.newest.bytes }]);
    expect(web2).toMatchObject({ own: false, kept: 1, laterProblem: null });
    expect(web2.ageSeconds).toBeGreaterThan(2 * DAY - 600);
    expect(web2.ageSeconds).toBeLessThan(2 * DAY + 600);
    expect(web3).toMatchObject({ own: false, kept: 2 });
    expect(web3.laterProblem).toMatchObject({ state: 'partial' });
    expect(web3.laterProblem.sources).toContainEqual(expect.objectContaining({ name: 'uploads', status: 'failed' }));
    expect(web3.newest.runId < web3.laterProblem.runId).toBe(true);
    expect(web3.backups.map((b: { state: string }) => b.state)).toEqual(['complete', 'partial']);
  });

  it('--max-age 26h: exit 1, the stale host named on stderr; the table and the JSON say the same', async () => {
    const json = await report('--json', '--max-age', '26h');
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.stale).toEqual([{ target: 'fleet', host: 'web2' }]);
    expect(document.maxAge).toEqual({ text: '26h', seconds: 26 * 3600 });
    expect(json.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^\S+ warning: host web2 at target fleet is stale: it has its newest complete backup 2 d \d+ h old, over the max age of 26h$/,
      ),
    ]);

    const table = await report('--max-age', '26h');
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('3 host(s) at 1 target(s), 1 stale (max age 26h)');
    const row = (host: string) => table.stdout.split('\n').find((line) => line.trimStart().startsWith(host))!;
    expect(row('web1')).toMatch(/^ {2}web1 \(this\)\s/);
    expect(row('web2')).toContain('web2 STALE');
    expect(row('web2')).toContain(document.targets[0].hosts[1].newest.id);
    expect(row('web3')).toContain(`${document.targets[0].hosts[2].laterProblem.id} partial (uploads)`);
    expect(table.stderr).toContain('host web2 at target fleet is stale');

    expect((await report('--max-age', '3d')).code).toBe(0);
    const bad = await report('--max-age', '26 hours');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/error: --max-age 26 hours: not a duration; /),
    ]);
  });

  it('a damaged manifest is reported as damaged (when first read), and the rest of the report goes on', async () => {
    const before = JSON.parse((await report('--json')).stdout).targets[0].hosts[0];
    const older = before.backups[0].id;
    await s3Admin.send(
      new PutObjectCommand({ Bucket: bucket, Key: `fleet/web1/${older}/manifest.json`, Body: 'not a manifest' }),
    );
    // A manifest read once is taken from the cache after (a backup's manifest never changes; verify checks the bytes).
    expect((await report('--json')).code).toBe(0);

    const result = await pickup(['report', '--config', config('web1'), '--json'], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('fresh-cache') },
    });
    expect(result.code).toBe(1);
    const hosts = JSON.parse(result.stdout).targets[0].hosts;
    expect(hosts[0].backups[0]).toMatchObject({ id: older, state: 'damaged' });
    expect(hosts[0].newest.id).toBe(before.newest.id);
    expect(hosts.map((h: { host: string }) => h.host)).toEqual(['web1', 'web2', 'web3']);
    expect(result.stderr).toMatch(new RegExp(`error: target fleet, host web1: backup ${older} is damaged: `));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unreachable store is reported in one line while the others are reported; exit 1', async () => {
    const both = hostConfig('web1');
    const down = structuredClone(both.targets[0]!) as { name: string; with: Record<string, unknown> };
    down.name = 'down';
    down.with.endpoint = 'http://127.0.0.1:9';
    down.with.retryFor = 0;
    both.targets.push(down as (typeof both.targets)[0]);
    await project.writeConfig(both, 'down.config.ts');
    const result = await pickup(['report', '--config', 'down.config.ts', '--json'], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });
    expect(result.code).toBe(1);
    // (web1's manifest damaged above is reported too: this config reads it for the first time.)
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.includes('is damaged')),
    ).toEqual([
      expect.stringMatching(
        /error: target down: cannot list its hosts: .*nothing listens at the endpoint.*127\.0\.0\.1:9/,
      ),
    ]);
    const [fleet, unreachable] = JSON.parse(result.stdout).targets;
    expect(fleet.hosts).toHaveLength(3);
    expect(unreachable).toMatchObject({ name: 'down', hosts: [] });
    expect(unreachable.error).toContain('nothing listens at the endpoint');
  });

  it('a target that cannot list other hosts, or is not set up for them: one line, exit 2, nothing on stdout', async () => {
    await project.writeConfig(
      {
        sources: [{ name: 'files', use: 'folder', with: { path: './data-web1' } }],
        targets: [
          { name: 'nas', use: 'folder', with: { path: './nas', createPath: true } },
          { name: 'ftp', use: 'ftp', with: { host: '127.0.0.1', user: 'backup', path: '/backups' } },
        ],
      },
      'single.config.ts',
    );
    const run = (...args: string[]) =>
      pickup(['report', '--config', 'single.config.ts', ...args], {
        cwd: project.dir,
        env: { XDG_CACHE_HOME: project.path('cache') },
      });
    const ftp = await run('--target', 'ftp');
    expect(ftp.code).toBe(2);
    expect(ftp.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /error: --target ftp: target ftp \(@pickup\/target-ftp\) cannot list other hosts' backups; /,
      ),
    ]);
    expect(ftp.stdout).toBe('');

    const folder = await run('--target', 'nas');
    expect(folder.code).toBe(2);
    expect(folder.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/error: \S+single\.config\.ts: targets\[0\]\.with\.perHost: .*set perHost: true/),
    ]);
    expect(folder.stdout).toBe('');
  });
});
