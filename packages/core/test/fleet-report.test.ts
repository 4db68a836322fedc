import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDigestCache } from '../src/backups/digest-cache.js';
import { buildFleetReport, type ListedBackup, type ManifestDigest } from '../src/report/fleet-build.js';
import { makeRunId } from '../src/model/run-id.js';
import { formatFleetReport } from '../src/report/fleet-format.js';
import { readLastDrills, recordLastDrill } from '../src/runtime/last-drill.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3600_000;

function backup(hoursAgo: number, state: 'complete' | 'partial' | 'failed' | 'damaged', only?: string[]): ListedBackup {
  const runId = makeRunId(new Date(NOW.getTime() - hoursAgo * HOUR - 60_000));
  if (state === 'failed') return { id: `${runId}.partial`, runId, complete: false };
  if (state === 'damaged') return { id: runId, runId, complete: true, damaged: 'its manifest is not JSON' };
  const digest: ManifestDigest = {
    runId,
    status: state,
    ...(only ? { onlySources: only } : {}),
    finishedAt: new Date(NOW.getTime() - hoursAgo * HOUR).toISOString(),
    bytes: 10,
    sources: [{ name: 'www', status: state === 'complete' ? 'ok' : 'failed', bytes: 10 }],
  };
  return { id: runId, runId, complete: true, digest };
}

const reportOf = (backups: ListedBackup[], maxAgeHours?: number) =>
  buildFleetReport({
    generatedAt: NOW,
    config: '/etc/pickup/pickup.config.ts',
    pickupVersion: '0.0.0',
    ...(maxAgeHours ? { maxAge: { text: `${maxAgeHours}h`, seconds: maxAgeHours * 3600 } } : {}),
    targets: [{ name: 'fleet', plugin: 'p', where: 'w', hosts: [{ host: 'h', own: false, backups }] }],
  }).targets[0]!.hosts[0]!;

describe('the report of one host', () => {
  it('takes the newest complete backup, and the newest partial, failed or damaged one after it', () => {
    const host = reportOf([backup(50, 'complete'), backup(26, 'complete'), backup(20, 'failed'), backup(2, 'partial')]);
    expect(host.newest?.at).toBe(new Date(NOW.getTime() - 26 * HOUR).toISOString());
    expect(host.ageSeconds).toBe(26 * 3600);
    expect(host.laterProblem?.state).toBe('partial');
    expect(host.kept).toBe(3);
    expect(host.backups.map((b) => b.state)).toEqual(['complete', 'complete', 'failed', 'partial']);
  });

  it('a backup of only some sources is not a complete one', () => {
    const host = reportOf([backup(30, 'complete'), backup(1, 'complete', ['www'])]);
    expect(host.ageSeconds).toBe(30 * 3600);
    expect(host.laterProblem?.state).toBe('partial');
  });

  it('is stale only with a max age: older than it, or without any complete backup', () => {
    expect(reportOf([backup(30, 'complete')]).stale).toBe(false);
    expect(reportOf([backup(30, 'complete')], 26).stale).toBe(true);
    expect(reportOf([backup(25, 'complete')], 26).stale).toBe(false);
    expect(reportOf([backup(1, 'partial'), backup(2, 'damaged')], 26)).toMatchObject({
      stale: true,
      newest: null,
      ageSeconds: null,
    });
  });

  it('names damaged manifests as problems and exits 1', () => {
    const report = buildFleetReport({
      generatedAt: NOW,
      config: 'c',
      pickupVersion: '0',
      targets: [
        { name: 'fleet', plugin: 'p', where: 'w', hosts: [{ host: 'h', own: true, backups: [backup(1, 'damaged')] }] },
      ],
    });
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([
      expect.stringMatching(/^target fleet, host h: backup \S+ is damaged: its manifest is not JSON$/),
    ]);
  });
});

describe('the cache of manifest digests', () => {
  let home: string;
  const saved = process.env.XDG_CACHE_HOME;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'pickup-digest-cache-'));
    process.env.XDG_CACHE_HOME = home;
  });
  afterEach(async () => {
    process.env.XDG_CACHE_HOME = saved;
    await rm(home, { recursive: true, force: true });
  });
  const digest = backup(1, 'complete').digest!;

  it('keeps what a report used or read, and forgets backups no longer listed', async () => {
    const first = await openDigestCache('store');
    first.set('h', 'a', digest);
    first.set('h', 'b', digest);
    await first.save();
    const second = await openDigestCache('store');
    expect(second.get('h', 'a')).toEqual(digest);
    await second.save();
    const third = await openDigestCache('store');
    expect(third.get('h', 'a')).toEqual(digest);
    expect(third.get('h', 'b')).toBeUndefined();
    expect(await (await openDigestCache('another store')).get('h', 'a')).toBeUndefined();
  });

  it('a damaged cache file, or a damaged entry in it, is read as empty', async () => {
    const cache = await openDigestCache('store');
    cache.set('h', 'a', digest);
    await cache.save();
    const [file] = await readdir(join(home, 'pickup/report'));
    await writeFile(
      join(home, 'pickup/report', file!),
      '{"format":"pickup-report-cache/1","digests":{"h":{"a":{"runId":1}}}',
    );
    expect((await openDigestCache('store')).get('h', 'a')).toBeUndefined();
    await writeFile(
      join(home, 'pickup/report', file!),
      '{"format":"pickup-report-cache/1","digests":{"h":{"a":{"runId":1}}}}',
    );
    expect((await openDigestCache('store')).get('h', 'a')).toBeUndefined();
  });
});

describe('the hosts of a report', () => {
  it('leave out a host with nothing at the store, but not one whose backups could not be listed', () => {
    const report = buildFleetReport({
      generatedAt: NOW,
      config: 'c',
      pickupVersion: '0',
      targets: [
        {
          name: 'fleet',
          plugin: 'p',
          where: 'w',
          hosts: [
            { host: 'monitor', own: true, backups: [] },
            { host: 'web2', own: false, backups: [], error: 'AccessDenied' },
            { host: 'web1', own: false, backups: [backup(1, 'complete')] },
          ],
        },
      ],
    });
    expect(report.targets[0]!.hosts.map((host) => host.host)).toEqual(['web1', 'web2']);
    expect(report.problems).toEqual(['target fleet, host web2: cannot list its backups: AccessDenied']);
  });
});

describe('what the report says of odd backups', () => {
  it('a backup of only some sources is partial, and the table says which it holds', () => {
    const report = buildFleetReport({
      generatedAt: NOW,
      config: 'c',
      pickupVersion: '0',
      targets: [
        {
          name: 'fleet',
          plugin: 'p',
          where: 'w',
          hosts: [{ host: 'h', own: false, backups: [backup(30, 'complete'), backup(1, 'complete', ['www'])] }],
        },
      ],
    });
    expect(formatFleetReport(report)).toMatch(/ partial \(only www\)/);
    expect(report.exitMeaning).toBe('every store, host and manifest was read');
  });

  it('a newest backup dated in the future is a problem (a wrong clock), not a fresh host', () => {
    const report = buildFleetReport({
      generatedAt: NOW,
      config: 'c',
      pickupVersion: '0',
      maxAge: { text: '26h', seconds: 26 * 3600 },
      targets: [
        {
          name: 'fleet',
          plugin: 'p',
          where: 'w',
          hosts: [{ host: 'h', own: false, backups: [backup(-48, 'complete')] }],
        },
      ],
    });
    expect(report.targets[0]!.hosts[0]!.ageSeconds).toBe(-48 * 3600);
    expect(report.exitCode).toBe(1);
    expect(report.problems).toEqual([
      expect.stringMatching(/host h: its newest complete backup ends 2 d 0 h from now: is that host's clock right\?$/),
    ]);
  });

  it('an entry that is no run of a backup is named, and the rest reported', () => {
    const listed: ListedBackup = { id: 'notes', runId: 'notes', complete: true };
    const report = buildFleetReport({
      generatedAt: NOW,
      config: 'c',
      pickupVersion: '0',
      targets: [
        {
          name: 'fleet',
          plugin: 'p',
          where: 'w',
          hosts: [{ host: 'h', own: false, backups: [listed, backup(1, 'complete')] }],
        },
      ],
    });
    expect(report.targets[0]!.hosts[0]!.kept).toBe(1);
    expect(report.problems).toEqual(['target fleet, host h: lists "notes", which is no backup of a run']);
  });

  it('is stale at a max age only once older than it', () => {
    expect(reportOf([backup(26, 'complete')], 26).stale).toBe(false);
    expect(reportOf([backup(26.01, 'complete')], 26).stale).toBe(true);
  });
});

describe('the last drill', () => {
  let home: string;
  const saved = process.env.XDG_CACHE_HOME;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'pickup-last-drill-'));
    process.env.XDG_CACHE_HOME = home;
  });
  afterEach(async () => {
    process.env.XDG_CACHE_HOME = saved;
    await rm(home, { recursive: true, force: true });
  });

  it('of one target does not forget the last drill of another', async () => {
    const config = join(home, 'pickup.config.ts');
    await writeFile(config, '');
    await recordLastDrill(config, '2026-03-01T04:00:00.000Z', [
      { source: 'www', target: 'nas', status: 'ok' },
      { source: 'www', target: 's3', status: 'ok' },
    ]);
    await recordLastDrill(config, '2026-03-08T04:00:00.000Z', [{ source: 'www', target: 's3', status: 'failed' }]);
    expect(await readLastDrills(config)).toEqual({
      nas: { at: '2026-03-01T04:00:00.000Z', drills: [{ source: 'www', status: 'ok' }] },
      s3: { at: '2026-03-08T04:00:00.000Z', drills: [{ source: 'www', status: 'failed' }] },
    });
  });
});
