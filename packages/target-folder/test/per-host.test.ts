import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageOf, OptionError } from '@pickup/core';
import { openHarness, pathsUnder, stageRun, type Harness } from '@pickup/testkit';
import folder, { type FolderTargetOptions } from '../src/index.js';

let harness: Harness;
beforeEach(async () => {
  harness = await openHarness();
});
afterEach(() => harness.close());

const context = (options: Record<string, unknown>) => harness.context<FolderTargetOptions>(folder, 'nas', options);
const store = () => join(harness.workDir, 'store');
const stage = (day: number) =>
  stageRun(
    join(harness.workDir, `staging-${day}`),
    { 'www/index.html': `day ${day}\n` },
    { time: new Date(Date.UTC(2026, 0, day)) },
  );

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to fail');
}

describe('the folder target with one folder per host', () => {
  it('takes host only with perHost, and only a plain folder name', () => {
    const issues = (options: Record<string, unknown>) =>
      folder.options
        .safeParse({ path: 'store', ...options })
        .error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ host: 'web1' })).toEqual([
      'host: is only used with perHost: true; set perHost: true, or remove host',
    ]);
    for (const host of ['', 'a/b', '.', '..', '.web1', '2026-01-01T000000.000Z', 'lost+found'])
      expect(issues({ perHost: true, host }), host).toEqual([
        'host: must be one folder name: not empty, without "/", not starting with ".", not a run id nor lost+found',
      ]);
    expect(issues({ perHost: true, host: 'web-1.example.com' })).toBeUndefined();
    expect(issues({ perHost: true })).toBeUndefined();
  });

  it("pushes into <path>/<host>, made by the first push, and lists, reads and removes only this host's backups", async () => {
    await mkdir(store());
    const web1 = context({ path: 'store', perHost: true, host: 'web1' });
    const web2 = context({ path: 'store', perHost: true, host: 'web2' });
    expect(await folder.list(web1)).toEqual([]);
    const run = await stage(1);
    await folder.push({ ...web1, run });
    await folder.push({ ...web2, run: await stage(2) });
    expect(await pathsUnder(store())).toEqual([
      'web1',
      `web1/${run.runId}`,
      `web1/${run.runId}/manifest.json`,
      `web1/${run.runId}/www`,
      `web1/${run.runId}/www/index.html`,
      'web2',
      expect.stringMatching(/^web2\/2026-01-02/),
      expect.stringMatching(/^web2\/2026-01-02.*\/manifest.json$/),
      expect.stringMatching(/^web2\/2026-01-02.*\/www$/),
      expect.stringMatching(/^web2\/2026-01-02.*\/www\/index.html$/),
    ]);
    expect((await stat(join(store(), 'web1'))).mode & 0o777).toBe(0o700);
    expect(await folder.list(web1)).toEqual([{ id: run.runId, runId: run.runId, complete: true }]);
    const read = await folder.read({ ...web1, id: run.runId, path: 'www/index.html' });
    expect((await read.toArray()).join('')).toBe('day 1\n');
    await folder.remove({ ...web1, id: run.runId });
    expect(await folder.list(web1)).toEqual([]);
    expect((await folder.list(web2)).map((entry) => entry.complete)).toEqual([true]);
    expect(folder.describe!(web1.options, web1.resolvePath)).toBe(
      `folder ${store()}, one folder per host (this host's: web1)`,
    );
  });

  it('wants path to be there unless createPath, which makes it and the host folder', async () => {
    const web1 = context({ path: 'store', perHost: true, host: 'web1' });
    const missing = await failure(async () => folder.push({ ...web1, run: await stage(1) }));
    expect(missing).toBeInstanceOf(OptionError);
    expect(messageOf(missing)).toMatch(
      /target folder \S+store does not exist \(is its disk mounted\?\); create it, or set createPath: true/,
    );
    await expect(folder.list(web1)).rejects.toThrow(
      /store does not exist or is not a folder \(is its disk mounted\?\)/,
    );
    await expect(folder.check!(web1)).rejects.toThrow(/store does not exist/);
    expect(await pathsUnder(harness.workDir)).not.toContain('store');

    const created = context({ path: 'store', perHost: true, host: 'web1', createPath: true });
    await folder.check!(created);
    expect(await pathsUnder(harness.workDir)).not.toContain('store');
    await folder.push({ ...created, run: await stage(2) });
    expect(await readdir(join(store(), 'web1'))).toHaveLength(1);
  });

  it('checks an existing path without making the host folder', async () => {
    await mkdir(store());
    await folder.check!(context({ path: 'store', perHost: true, host: 'web1' }));
    expect(await readdir(store())).toEqual([]);
  });

  it("names every host folder of path in hosts, this host's as its own, and reads each one's backups", async () => {
    await mkdir(store());
    const web1 = context({ path: 'store', perHost: true, host: 'web1' });
    const run = await stage(1);
    await folder.push({ ...web1, run });
    await folder.push({ ...context({ path: 'store', perHost: true, host: 'web2' }), run: await stage(2) });
    // Not host folders: hidden ones, files, run folders of a layout without perHost, a file system's lost+found.
    await mkdir(join(store(), '.trash'));
    await writeFile(join(store(), 'notes.txt'), 'mine\n');
    await mkdir(join(store(), '2025-12-31T020000.000Z'));
    await mkdir(join(store(), 'lost+found'));
    // A host folder with nothing in it yet, and one that is a symlink to a folder elsewhere.
    await mkdir(join(store(), 'web3'));
    await mkdir(join(harness.workDir, 'elsewhere', run.runId), { recursive: true });
    await symlink(join(harness.workDir, 'elsewhere'), join(store(), 'web4'));
    const before = await pathsUnder(harness.workDir);

    const hosts = await folder.hosts!(context({ path: 'store', perHost: true, host: 'web2' }));
    expect(hosts.map(({ host, own }) => ({ host, own }))).toEqual([
      { host: 'web1', own: false },
      { host: 'web2', own: true },
      { host: 'web3', own: false },
      { host: 'web4', own: false },
    ]);
    const [first, , third, fourth] = hosts;
    expect(await first!.list()).toEqual([{ id: run.runId, runId: run.runId, complete: true }]);
    expect((await (await first!.read(run.runId, 'www/index.html')).toArray()).join('')).toBe('day 1\n');
    expect(await third!.list()).toEqual([]);
    expect(await fourth!.list()).toEqual([{ id: run.runId, runId: run.runId, complete: true }]);
    expect((await failure(() => first!.read(run.runId, '../web2/x'))) instanceof Error).toBe(true);
    expect(await pathsUnder(harness.workDir)).toEqual(before);

    // Without host, this host's folder is named by the machine.
    const own = await folder.hosts!(context({ path: 'store', perHost: true }));
    expect(own.filter((host) => host.own).map((host) => host.host)).toEqual(
      ['web1', 'web2', 'web3', 'web4'].includes(hostname()) ? [hostname()] : [],
    );
  });

  it('refuses hosts in one line naming perHost without it, and a missing path without making it', async () => {
    const flat = await failure(() => folder.hosts!(context({ path: 'store' })));
    expect(flat).toBeInstanceOf(OptionError);
    expect((flat as OptionError).option).toBe('perHost');
    expect(messageOf(flat)).toMatch(
      /^target folder \S+store holds one host's backups, not a folder per host; set perHost: true/,
    );
    expect(messageOf(flat)).not.toContain('\n');
    // A missing path is the store's state (a disk not mounted), not a wrong option: no OptionError.
    const missing = await failure(() => folder.hosts!(context({ path: 'store', perHost: true, createPath: true })));
    expect(missing).not.toBeInstanceOf(OptionError);
    expect(messageOf(missing)).toMatch(/store does not exist or is not a folder \(is its disk mounted\?\)$/);
    expect(await readdir(harness.workDir)).not.toContain('store');
  });
});
