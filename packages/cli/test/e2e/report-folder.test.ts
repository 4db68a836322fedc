import { mkdir, readdir, writeFile } from 'node:fs/promises';
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
});
