// needs: restic
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { HostBackups, StoredEntry } from '@pickup/core';
import { openHarness, pathsUnder, snapshotTree, stageRun, type Harness } from '@pickup/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import target from '../src/index.js';
import { resticBy } from '../../../test/restic.js';

const harness: Harness = await openHarness();
const repository = join(harness.workDir, 'repository');
const passwordFile = join(harness.workDir, 'restic-password');
/** restic through a script that notes each command line it is given, to see what the target runs. */
const commandLog = join(harness.workDir, 'restic-commands');
const runId = (day: number) => `2026-01-0${day}T020000.000Z`;

afterAll(() => harness.close());

const context = (host: string, extra: Record<string, unknown> = {}) =>
  harness.context<never>(target, 'vault', {
    repository: 'repository',
    passwordFile: 'restic-password',
    init: true,
    host,
    restic: join(harness.workDir, 'restic-noted'),
    ...extra,
  });

async function push(host: string, day: number): Promise<void> {
  const root = join(harness.workDir, `staging-${randomBytes(4).toString('hex')}`);
  const run = await stageRun(
    root,
    { 'www/www.tar.gz': `the bytes of ${host} on day ${day}` },
    { time: new Date(Date.UTC(2026, 0, day, 2)) },
  );
  await target.push({ ...context(host), run });
}

/** The commands the target ran since `from` (a length of the log), without `restic version`. */
async function commandsSince(from: number): Promise<string[]> {
  const lines = (await readFile(commandLog, 'utf8')).slice(from).split('\n').filter(Boolean);
  return lines.filter((line) => line !== 'version');
}
const logLength = async () => (await readFile(commandLog, 'utf8')).length;

const byId = (entries: StoredEntry[]) => [...entries].sort((a, b) => a.id.localeCompare(b.id));
const summary = (hosts: HostBackups[]) =>
  Promise.all(
    [...hosts]
      .sort((a, b) => a.host.localeCompare(b.host))
      .map(async (host) => ({ host: host.host, own: host.own, backups: byId(await host.list()) })),
  );
const backup = (day: number) => ({ id: runId(day), runId: runId(day), complete: true });

beforeAll(async () => {
  await writeFile(passwordFile, 'correct horse battery staple\n', { mode: 0o600 });
  await writeFile(commandLog, '');
  const script = join(harness.workDir, 'restic-noted');
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${commandLog}'\nexec restic "$@"\n`);
  await chmod(script, 0o755);
  // web1 and web2 push the same run id with other bytes; web3 two backups.
  await push('web1', 1);
  await push('web2', 1);
  await push('web3', 1);
  await push('web3', 2);
  // A snapshot someone made by hand, of another host, is no Pickup backup.
  const other = join(harness.workDir, 'other');
  await mkdir(other);
  await writeFile(join(other, 'notes.txt'), 'by hand');
  await resticBy(repository, { RESTIC_PASSWORD_FILE: passwordFile }).restic('backup', '--host', 'laptop', other);
});

describe('hosts of a restic repository', () => {
  it("lists every host of Pickup's snapshots from one listing without a lock, each as its own config lists, and changes nothing", async () => {
    const before = await snapshotTree(repository);
    const from = await logLength();
    const hosts = await target.hosts!(context('web1'));
    expect(await summary(hosts)).toEqual([
      { host: 'web1', own: true, backups: [backup(1)] },
      { host: 'web2', own: false, backups: [backup(1)] },
      { host: 'web3', own: false, backups: [backup(1), backup(2)] },
    ]);
    expect(await commandsSince(from)).toEqual(['snapshots --json --no-lock --tag pickup']);
    for (const host of hosts)
      expect(byId(await host.list()), host.host).toEqual(byId(await target.list(context(host.host))));
    expect(await snapshotTree(repository)).toEqual(before);
  });

  it("reads each host's own bytes, the same run id on two hosts apart, without a lock; a missing file is ENOENT", async () => {
    const before = await snapshotTree(repository);
    const hosts = await target.hosts!(context('web2'));
    const host = (name: string) => hosts.find((each) => each.host === name)!;
    expect(host('web2').own).toBe(true);
    const from = await logLength();
    expect(await text(await host('web1').read(runId(1), 'www/www.tar.gz'))).toBe('the bytes of web1 on day 1');
    expect(await text(await host('web2').read(runId(1), 'www/www.tar.gz'))).toBe('the bytes of web2 on day 1');
    expect(JSON.parse(await text(await host('web3').read(runId(2), 'manifest.json'))).runId).toBe(runId(2));
    await expect(host('web2').read(runId(2), 'manifest.json')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(text(await host('web1').read(runId(1), 'www/missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    const commands = await commandsSince(from);
    expect(commands.filter((command) => !/^(dump|snapshots) .*--no-lock/.test(command))).toEqual([]);
    expect(await snapshotTree(repository)).toEqual(before);
    expect(await pathsUnder(join(repository, 'locks'))).toEqual([]);
  });

  it('a repository not there yet: only its own host, without backups, if the target may create it; else one line', async () => {
    const elsewhere = { repository: 'not-yet' };
    expect(await summary(await target.hosts!(context('web1', elsewhere)))).toEqual([
      { host: 'web1', own: true, backups: [] },
    ]);
    await expect(target.hosts!(context('web1', { ...elsewhere, init: false }))).rejects.toThrow(
      `there is no restic repository at ${join(harness.workDir, 'not-yet')}; create it with restic init (with the same password) or set init: true`,
    );
    expect(await pathsUnder(join(harness.workDir, 'not-yet'))).toEqual([]);
  });

  it('needs no more than reading the repository: a user who may only read it sees every host and its bytes', async () => {
    const expected = await summary(await target.hosts!(context('web1')));
    const readable = join(harness.workDir, 'readable-password');
    await writeFile(readable, 'correct horse battery staple\n', { mode: 0o644 });
    const reader = join(harness.workDir, 'restic-reader');
    if (process.getuid?.() === 0) {
      // root may write anywhere: restic runs as nobody, for whom the repository is read only.
      await chmod(harness.workDir, 0o711);
      execFileSync('chmod', ['-R', 'go+rX', repository]);
      await writeFile(reader, '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups restic "$@"\n');
    } else {
      execFileSync('chmod', ['-R', 'a-w', repository]);
      await writeFile(reader, '#!/bin/sh\nexec restic "$@"\n');
    }
    await chmod(reader, 0o755);
    const before = await snapshotTree(repository);
    const asReader = context('web1', { restic: reader, passwordFile: readable, resticArgs: ['--no-cache'] });
    const hosts = await target.hosts!(asReader);
    expect(await summary(hosts)).toEqual(expected);
    const web3 = hosts.find((host) => host.host === 'web3')!;
    expect(await text(await web3.read(runId(2), 'www/www.tar.gz'))).toBe('the bytes of web3 on day 2');
    expect(await snapshotTree(repository)).toEqual(before);
  });
});
