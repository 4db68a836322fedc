import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFleetFolder } from '../../../../test/fleet-folder.mjs';
import { makeProject, pickup, type Project } from '../helpers/project.js';

/** 200 backups of 20 hosts in a folder of per-host folders, made from one real backup. */
describe('pickup report over a folder of 20 hosts with 10 backups each', () => {
  let project: Project;
  let hosts: string[];
  const report = (...args: string[]) =>
    pickup(['report', '--config', 'report.config.ts', ...args], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/page.html'), '<p>hello</p>\n'.repeat(500));
    await project.writeConfig(
      {
        sources: [{ name: 'www', use: 'folder', with: { path: './data' } }],
        targets: [{ name: 'one', use: 'folder', with: { path: './template', createPath: true } }],
      },
      'template.config.ts',
    );
    expect((await pickup(['run', '--config', 'template.config.ts'], { cwd: project.dir })).code).toBe(0);
    const [runId] = await readdir(project.path('template'));
    // host-19 last backed up three days ago; every other host an hour ago.
    hosts = await makeFleetFolder(project.path('template', runId!), project.path('fleet'), {
      hosts: 20,
      backupsPerHost: 10,
      newestHoursAgo: (host: number) => (host === 19 ? 72 : 1),
    });
    await project.writeConfig(
      {
        sources: [{ name: 'www', use: 'folder', with: { path: './data' } }],
        targets: [{ name: 'fleet', use: 'folder', with: { path: './fleet', perHost: true, host: 'host-00' } }],
      },
      'report.config.ts',
    );
  }, 60_000);
  afterAll(async () => {
    await project.remove();
  });

  it('reports every host, the stale one named; a second report takes every manifest from the cache', async () => {
    const first = await report('--json', '--max-age', '26h', '--verbose');
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/target fleet: 20 host\(s\), manifests: 200 read, 0 from the cache/);
    expect(first.stderr).toMatch(
      /warning: host host-19 at target fleet is stale: it has its newest complete backup 3 d 0 h old/,
    );
    const document = JSON.parse(first.stdout);
    expect(document.stale).toEqual([{ target: 'fleet', host: 'host-19' }]);
    const listed = document.targets[0].hosts;
    expect(listed.map((host: { host: string }) => host.host)).toEqual(hosts);
    for (const host of listed) {
      expect(host.kept).toBe(10);
      expect(host.backups).toHaveLength(10);
      expect(host.newest.sources).toEqual([{ name: 'www', status: 'ok', bytes: host.newest.bytes }]);
    }
    expect(listed[0].own).toBe(true);
    expect(listed.filter((host: { own: boolean }) => host.own)).toHaveLength(1);

    const second = await report('--json', '--max-age', '26h', '--verbose');
    expect(second.stderr).toMatch(/target fleet: 20 host\(s\), manifests: 0 read, 200 from the cache/);
    const withoutAges = (stdout: string) =>
      JSON.parse(stdout).targets[0].hosts.map((host: object) => ({ ...host, ageSeconds: undefined }));
    expect(withoutAges(second.stdout)).toEqual(withoutAges(first.stdout));
  });

  it('a store not mounted is told in one line and the other targets are reported; secrets are blanked; a target that names no shared store is left out', async () => {
    const secret = 'hunter2-is-not-a-host';
    await project.writeConfig(
      {
        sources: [{ name: 'www', use: 'folder', with: { path: './data' } }],
        targets: [
          { name: 'fleet', use: 'folder', with: { path: './fleet', perHost: true, host: 'host-00' } },
          { name: 'usb', use: 'folder', with: { path: './usb', createPath: true } },
          { name: 'unmounted', use: 'folder', with: { path: `./mnt/${secret}`, perHost: true } },
          // A password in the config: a secret the report knows without asking the target.
          { name: 'offsite', use: 'ftp', with: { host: '127.0.0.1', user: 'backup', password: secret } },
        ],
      },
      'mixed.config.ts',
    );
    const result = await pickup(['report', '--config', 'mixed.config.ts', '--json', '--html', 'mixed.html'], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /warning: target offsite \(@pickup\/target-ftp\) cannot list other hosts' backups: left out of the report$/,
      ),
      expect.stringMatching(
        /warning: \S+mixed\.config\.ts: targets\[1\]\.with\.perHost: .*set perHost: true.*: left out of the report$/,
      ),
      expect.stringMatching(
        /error: target unmounted: cannot list its hosts: target folder \S+ does not exist or is not a folder \(is its disk mounted\?\)$/,
      ),
    ]);
    const document = JSON.parse(result.stdout);
    expect(document.targets.map((target: { name: string }) => target.name)).toEqual(['fleet', 'unmounted']);
    expect(document.targets[0].hosts).toHaveLength(20);
    expect(document.targets[1]).toMatchObject({ hosts: [], error: expect.stringContaining('is its disk mounted') });
    for (const text of [result.stdout, result.stderr, await readFile(project.path('mixed.html'), 'utf8')]) {
      expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
    }
  });

  it('an --html file that cannot be written: exit 2 before anything is read, one line', async () => {
    const result = await report('--html', project.path('no/such/folder/page.html'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/error: --html \S+page\.html: cannot write the page there: ENOENT/),
    ]);
  });
});
