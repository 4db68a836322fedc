import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** Three hosts back up into one folder, each into its own folder there (perHost), as onto a shared NAS mount. */
describe('folder target with one folder per host', () => {
  let project: Project;
  const hosts = ['web1', 'web2', 'web3'];
  const config = (host: string) => `${host}.config.ts`;
  const run = (command: string[], host: string) =>
    pickup([...command, '--config', config(host)], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('nas'));
    for (const host of hosts) {
      await mkdir(project.path(`data-${host}`));
      await writeFile(project.path(`data-${host}/index.html`), `<h1>${host}</h1>\n`);
      await project.writeConfig(
        {
          sources: [{ name: 'files', use: 'folder', with: { path: `./data-${host}` } }],
          targets: [
            { name: 'nas', use: 'folder', with: { path: './nas', perHost: true, host }, retention: { keepLast: 1 } },
          ],
        },
        config(host),
      );
      const result = await run(['run'], host);
      expect(result.code, result.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(() => project.remove());

  it("keeps each host's backups in its own folder, which list and retention see alone", async () => {
    expect((await readdir(project.path('nas'))).sort()).toEqual(hosts);
    const [web1] = await completeBackups(project.path('nas/web1'));
    const [web2] = await completeBackups(project.path('nas/web2'));
    const listed = await run(['list'], 'web2');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(web2);
    expect(listed.stdout).not.toContain(web1);
    // keepLast: 1 at web1 leaves the other hosts' backups alone.
    expect((await run(['run'], 'web1')).code).toBe(0);
    expect(await completeBackups(project.path('nas/web1'))).toHaveLength(1);
    expect(await completeBackups(project.path('nas/web2'))).toEqual([web2]);
  });

  it('pickup report shows every host of the folder, each with its newest backup, this one marked', async () => {
    await mkdir(project.path('nas/.snapshots')); // a NAS's own folder: not a host
    const result = await run(['report', '--json'], 'web2');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout).targets[0].hosts as {
      host: string;
      own: boolean;
      newest: { id: string };
    }[];
    expect(listed.map(({ host, own }) => ({ host, own }))).toEqual([
      { host: 'web1', own: false },
      { host: 'web2', own: true },
      { host: 'web3', own: false },
    ]);
    for (const [index, host] of hosts.entries())
      expect(listed[index]!.newest.id).toBe((await completeBackups(project.path(`nas/${host}`))).at(-1));
  });
});
