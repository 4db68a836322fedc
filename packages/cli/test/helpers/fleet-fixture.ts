import {
  type BackupReport,
  type BackupState,
  FLEET_REPORT_FORMAT,
  type FleetReport,
  type HostReport,
  makeRunId,
} from '@pickup/core';

// Fleet reports as `pickup report` makes them, for the HTML page's tests and the docs' screenshot.

export const GENERATED_AT = '2025-03-14T12:00:00.000Z';
const NOW = Date.parse(GENERATED_AT);
const HOUR = 3600_000;

export const HOSTILE_HOST = '<script>document.title="owned"</script><img src=x onerror=alert(1)>';

interface Planned {
  /** Hours before the report. */
  hoursAgo: number;
  state: BackupState;
  sources: { name: string; bytes: number; status?: 'ok' | 'partial' | 'failed' }[];
  problem?: string;
}

function backupOf(planned: Planned): BackupReport {
  const at = new Date(NOW - planned.hoursAgo * HOUR);
  const runId = makeRunId(new Date(at.getTime() - 7 * 60_000));
  const hasManifest = planned.state === 'complete' || planned.state === 'partial';
  const sources = hasManifest ? planned.sources.map((source) => ({ status: 'ok' as const, ...source })) : [];
  return {
    id: runId,
    runId,
    at: hasManifest ? at.toISOString() : new Date(at.getTime() - 7 * 60_000).toISOString(),
    state: planned.state,
    bytes: hasManifest ? sources.reduce((sum, source) => sum + source.bytes, 0) : null,
    sources,
    ...(planned.problem ? { problem: planned.problem } : {}),
  };
}

/** The report's facts of a host from its backups (oldest first), as the core derives them. */
export function hostOf(
  host: string,
  planned: Planned[],
  extra: Partial<HostReport> = {},
  maxAgeSeconds = 93_600,
): HostReport {
  const backups = planned.map(backupOf);
  const completes = backups.filter((backup) => backup.state === 'complete');
  const newest = completes.at(-1) ?? null;
  const after = newest ? backups.slice(backups.indexOf(newest) + 1) : backups;
  const ageSeconds = newest ? Math.round((NOW - Date.parse(newest.at)) / 1000) : null;
  return {
    host,
    own: false,
    stale: ageSeconds === null || ageSeconds > maxAgeSeconds,
    newest,
    ageSeconds,
    kept: backups.filter((backup) => backup.state === 'complete' || backup.state === 'partial').length,
    laterProblem: after.filter((backup) => backup.state !== 'complete').at(-1) ?? null,
    lastDrill: null,
    backups,
    ...extra,
  };
}

/** `count` runs `every` hours apart, the newest `newestHoursAgo` before the report; sizes grow a little each time. */
function series(count: number, every: number, newestHoursAgo: number, sources: Record<string, number>): Planned[] {
  return Array.from({ length: count }, (_, index) => {
    const fromNewest = count - 1 - index;
    const growth = 1 - fromNewest * 0.004 + ((index * 7919) % 13) / 1000;
    return {
      hoursAgo: newestHoursAgo + fromNewest * every + ((index * 37) % 11) / 60,
      state: 'complete' as const,
      sources: Object.entries(sources).map(([name, bytes]) => ({ name, bytes: Math.round(bytes * growth) })),
    };
  });
}

/**
 * Two targets: `offsite` with a fresh host (the config's own, drilled, one failed run), a host whose last run
 * is partial, a stale host with a damaged backup and a host whose listing failed, named to inject markup;
 * `nas`, which could not be listed.
 */
export function sampleFleetReport(): FleetReport {
  const db = series(30, 24, 9.9, { 'app-db': 2.1e9, uploads: 8.3e8 });
  db[18] = { ...db[18]!, state: 'failed' };
  const mail = series(60, 12, 22.3, { maildir: 5.6e9, config: 2.4e6 });
  mail.push({
    hoursAgo: 10.27,
    state: 'partial',
    sources: [
      { name: 'maildir', bytes: 3.1e9, status: 'partial' },
      { name: 'config', bytes: 2.4e6 },
    ],
  });
  const web = series(24, 24, 129, { site: 6.4e8, 'web-db': 1.9e8 });
  web[10] = { ...web[10]!, state: 'damaged', problem: 'manifest.json: Unexpected end of JSON input' };
  const hosts: HostReport[] = [
    hostOf('db-1', db, {
      own: true,
      lastDrill: { at: new Date(NOW - 32 * HOUR).toISOString(), outcome: 'success', drills: 2, failed: 0 },
    }),
    hostOf('mail-1', mail),
    hostOf('web-1', web),
    {
      ...hostOf(HOSTILE_HOST, []),
      error: '<b>AccessDenied</b> (403) for s3://acme-backups/pickup/<script>/',
    },
  ].sort((a, b) => a.host.localeCompare(b.host));
  return {
    format: FLEET_REPORT_FORMAT,
    generatedAt: GENERATED_AT,
    config: '/etc/pickup/pickup.config.ts',
    pickupVersion: '1.4.0',
    maxAge: { text: '26h', seconds: 93_600 },
    exitCode: 1,
    exitMeaning: 'a host is stale, or something could not be read',
    stale: hosts.filter((host) => host.stale).map((host) => ({ target: 'offsite', host: host.host })),
    problems: [
      `target offsite, host ${HOSTILE_HOST}: cannot list its backups: <b>AccessDenied</b> (403)`,
      'target nas: cannot list its hosts: ssh: connect to host nas.lan port 22: Connection timed out',
      `target offsite, host web-1: backup ${hosts.find((host) => host.host === 'web-1')!.backups[10]!.id} is damaged: its manifest is not JSON (Unexpected end of JSON input)`,
    ],
    targets: [
      {
        name: 'offsite',
        plugin: '@pickup/target-s3',
        where: 's3://acme-backups/pickup/ at s3.eu-central-1.amazonaws.com',
        hosts,
      },
      {
        name: 'nas',
        plugin: '@pickup/target-restic',
        where: 'restic sftp:backup@nas.lan:/srv/restic',
        error: 'ssh: connect to host nas.lan port 22: Connection timed out',
        hosts: [],
      },
    ],
  };
}

/** `hosts` hosts of `backups` nightly backups each, at one target: the size the page must stay readable at. */
export function largeFleetReport(hosts: number, backups: number): FleetReport {
  const hostReports = Array.from({ length: hosts }, (_, index) =>
    hostOf(
      `host-${String(index).padStart(2, '0')}.example.org`,
      series(backups, 24, 3 + index, { data: 1e9 * (index + 1) }),
    ),
  );
  return {
    format: FLEET_REPORT_FORMAT,
    generatedAt: GENERATED_AT,
    config: '/etc/pickup/pickup.config.ts',
    pickupVersion: '1.4.0',
    maxAge: { text: '26h', seconds: 93_600 },
    exitCode: 0,
    exitMeaning: 'every host is fresh',
    stale: [],
    problems: [],
    targets: [{ name: 'offsite', plugin: '@pickup/target-s3', where: 's3://acme-backups/pickup/', hosts: hostReports }],
  };
}
