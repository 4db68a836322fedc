import { ExitCode } from '../errors.js';
import type { Manifest, SourceStatus } from '../model/manifest.js';
import { isRunId, runIdTime } from '../model/run-id.js';
import { formatAge } from './table.js';
import {
  FLEET_REPORT_FORMAT,
  type BackupReport,
  type DrillReport,
  type FleetReport,
  type HostReport,
  type TargetReport,
} from './fleet-report.js';

/** What the report keeps of a manifest: small, so that it can be cached for every backup of a fleet. */
export interface ManifestDigest {
  runId: string;
  status: 'complete' | 'partial';
  /** Set for a backup of only some sources (`pickup run --only`). */
  onlySources?: string[];
  finishedAt: string;
  bytes: number;
  sources: { name: string; status: SourceStatus; bytes: number }[];
}

/** A backup as a target listed it, with its manifest's digest once read. */
export interface ListedBackup {
  id: string;
  runId: string;
  complete: boolean;
  digest?: ManifestDigest;
  /** Why its manifest could not be read. */
  damaged?: string;
}

export interface ListedHost {
  host: string;
  own: boolean;
  error?: string;
  backups: ListedBackup[];
}

export interface ListedTarget {
  name: string;
  plugin: string;
  where: string;
  error?: string;
  hosts: ListedHost[];
  /** The config's own last drill at this target, where known. */
  lastDrill?: DrillReport;
}

export interface FleetInput {
  generatedAt: Date;
  config: string;
  pickupVersion: string;
  maxAge?: { text: string; seconds: number };
  targets: ListedTarget[];
}

const EXIT_MEANINGS: Record<number, string> = {
  [ExitCode.ok]: 'every store, host and manifest was read',
  [ExitCode.partial]: 'a host is stale, or a store, a host or a manifest could not be read',
  [ExitCode.usage]: 'the config or the command line is wrong; nothing was reported',
  [ExitCode.fatal]: 'Pickup could not go on',
};

/** What the report's exit code means; a fresh fleet is said to be so only when `--max-age` checked the ages. */
export function reportExitMeaning(code: number, maxAge?: string): string {
  if (code === ExitCode.ok && maxAge !== undefined)
    return `every host has a complete backup younger than ${maxAge}, and everything was read`;
  return EXIT_MEANINGS[code] ?? 'unknown exit code';
}

/** A backup dated further ahead than this is taken for a host whose clock is wrong. */
const FUTURE_SLACK_SECONDS = 300;

/** The report's document from what the targets listed: each host's newest complete backup, its age and what came after. */
export function buildFleetReport(input: FleetInput): FleetReport {
  const problems: string[] = [];
  const stale: FleetReport['stale'] = [];
  const targets = input.targets.map((target): TargetReport => {
    const at = (host: string) => `target ${target.name}, host ${host}`;
    if (target.error !== undefined) problems.push(`target ${target.name}: cannot list its hosts: ${target.error}`);
    // A host with nothing at the store (this config's own, when the report runs from a machine that only reports) is no host of it.
    const hosts = target.hosts
      .filter((host) => host.error !== undefined || host.backups.length > 0)
      .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
      .map((host) => hostReport(host, target, input));
    for (const listed of target.hosts) {
      for (const backup of listed.backups.filter((one) => !isRunId(one.runId)))
        problems.push(`${at(listed.host)}: lists ${JSON.stringify(backup.id)}, which is no backup of a run`);
    }
    for (const host of hosts) {
      if (host.error !== undefined) problems.push(`${at(host.host)}: cannot list its backups: ${host.error}`);
      for (const backup of host.backups) {
        if (backup.state === 'damaged')
          problems.push(`${at(host.host)}: backup ${backup.id} is damaged: ${backup.problem}`);
      }
      if (host.ageSeconds !== null && host.ageSeconds < -FUTURE_SLACK_SECONDS)
        problems.push(
          `${at(host.host)}: its newest complete backup ends ${formatAge(-host.ageSeconds)} from now: is that host's clock right?`,
        );
      if (host.stale) stale.push({ target: target.name, host: host.host });
    }
    return {
      name: target.name,
      plugin: target.plugin,
      where: target.where,
      ...(target.error !== undefined ? { error: target.error } : {}),
      hosts,
    };
  });
  const exitCode = problems.length > 0 || stale.length > 0 ? ExitCode.partial : ExitCode.ok;
  return {
    format: FLEET_REPORT_FORMAT,
    generatedAt: input.generatedAt.toISOString(),
    config: input.config,
    pickupVersion: input.pickupVersion,
    ...(input.maxAge ? { maxAge: input.maxAge } : {}),
    exitCode,
    exitMeaning: reportExitMeaning(exitCode, input.maxAge?.text),
    stale,
    problems,
    targets,
  };
}

function hostReport(listed: ListedHost, target: ListedTarget, input: FleetInput): HostReport {
  // Run ids sort as text in the order of their times; an entry that is no run's is a problem (see above).
  const backups = listed.backups
    .filter((backup) => isRunId(backup.runId))
    .map(backupReport)
    .sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.id < b.id ? -1 : 1));
  const newestIndex = backups.findLastIndex((backup) => backup.state === 'complete');
  const newest = newestIndex >= 0 ? backups[newestIndex]! : null;
  const later = backups.slice(newestIndex + 1).filter((backup) => backup.state !== 'complete');
  const ageSeconds = newest ? Math.round((input.generatedAt.getTime() - Date.parse(newest.at)) / 1000) : null;
  // Only `--max-age` makes a host stale: then also one without a complete backup, or whose backups could not be listed.
  const stale =
    input.maxAge !== undefined &&
    (listed.error !== undefined || ageSeconds === null || ageSeconds > input.maxAge.seconds);
  return {
    host: listed.host,
    own: listed.own,
    stale,
    ...(listed.error !== undefined ? { error: listed.error } : {}),
    newest,
    ageSeconds,
    kept: backups.filter((backup) => backup.state === 'complete' || backup.state === 'partial').length,
    laterProblem: later.at(-1) ?? null,
    lastDrill: listed.own ? (target.lastDrill ?? null) : null,
    backups,
  };
}

function backupReport(backup: ListedBackup): BackupReport {
  const { id, runId, digest } = backup;
  if (digest) {
    const whole = digest.status === 'complete' && digest.onlySources === undefined;
    return {
      id,
      runId,
      at: digest.finishedAt,
      state: whole ? 'complete' : 'partial',
      bytes: digest.bytes,
      sources: digest.sources,
      ...(digest.onlySources ? { onlySources: digest.onlySources } : {}),
    };
  }
  const at = runIdTime(runId).toISOString();
  if (!backup.complete) return { id, runId, at, state: 'failed', bytes: null, sources: [] };
  return { id, runId, at, state: 'damaged', bytes: null, sources: [], problem: backup.damaged ?? 'no manifest' };
}

/** The digest of a manifest that the report keeps (and caches): no file list, no facts. */
export function manifestDigest(manifest: Manifest): ManifestDigest {
  const sources = manifest.sources.map((source) => ({
    name: source.name,
    status: source.status,
    bytes: source.files.reduce((sum, file) => sum + file.size, 0),
  }));
  return {
    runId: manifest.runId,
    status: manifest.status,
    ...(manifest.onlySources ? { onlySources: manifest.onlySources } : {}),
    finishedAt: manifest.finishedAt,
    bytes: sources.reduce((sum, source) => sum + source.bytes, 0),
    sources,
  };
}
