import type { SourceStatus } from '../model/manifest.js';

export const FLEET_REPORT_FORMAT = 'pickup-report/1';

/**
 * What `pickup report` found at the targets several hosts share: the table for people
 * (`formatFleetReport`), one JSON document for scripts (`--json`), one HTML page (`--html`).
 */
export interface FleetReport {
  format: typeof FLEET_REPORT_FORMAT;
  /** When the report was made; every age is counted to it. */
  generatedAt: string;
  config: string;
  pickupVersion: string;
  /** `--max-age`, as given and in seconds; absent without it (then no host is stale). */
  maxAge?: { text: string; seconds: number };
  /** 0: every host fresh and every store read; 1: a host stale, or something could not be read. */
  exitCode: number;
  exitMeaning: string;
  /** The hosts that are stale, in table order. */
  stale: { target: string; host: string }[];
  /** One line each: a target or host that could not be listed, a damaged manifest. */
  problems: string[];
  targets: TargetReport[];
}

/** One target of the config, and the hosts that keep backups there. */
export interface TargetReport {
  /** The target's name in the config. */
  name: string;
  plugin: string;
  /** Where it stores (the plugin's `describe`), no secret. */
  where: string;
  /** Why its hosts could not be listed (unreachable, refused); `hosts` is then empty. */
  error?: string;
  /** Sorted by host name. */
  hosts: HostReport[];
}

export interface HostReport {
  host: string;
  /** This config's own backups (the host `pickup report` runs for). */
  own: boolean;
  /** With `maxAge`: its newest complete backup is older, or it has none, or its backups could not be listed. */
  stale: boolean;
  /** Why its backups could not be listed; the rest is then empty. */
  error?: string;
  /** The newest backup whose every source was stored (manifest status `complete`). */
  newest: BackupReport | null;
  /** Seconds from `newest.at` to `generatedAt` (below 0 for a backup dated in the future: a wrong clock). */
  ageSeconds: number | null;
  /** Backups kept there that have a readable manifest (complete and partial). */
  kept: number;
  /** The newest partial, failed or damaged backup after `newest` (or at all, when there is no `newest`). */
  laterProblem: BackupReport | null;
  /** The last `pickup drill` of this host, where known (only for the config's own host). */
  lastDrill: DrillReport | null;
  /** Every backup the target lists for the host, oldest first: the timeline. */
  backups: BackupReport[];
}

export type BackupState =
  /** Its manifest is there and says every source was stored. */
  | 'complete'
  /** Its manifest is there, and a source failed or was partial, or it holds only some sources (`--only`). */
  | 'partial'
  /** A push that did not finish: listed as incomplete, no manifest. */
  | 'failed'
  /** Listed as complete, but its manifest could not be read or is not a manifest. */
  | 'damaged';

export interface BackupReport {
  /** The target's id of it (what `pickup restore --backup` takes for a complete one). */
  id: string;
  runId: string;
  /** When the run finished (manifest), or started (a failed one: from its run id). */
  at: string;
  state: BackupState;
  /** The bytes stored (the manifest's files); null without a manifest. */
  bytes: number | null;
  /** From the manifest; empty without one. */
  sources: { name: string; status: SourceStatus; bytes: number }[];
  /** A backup of only these sources (`pickup run --only`): partial, whatever their status. */
  onlySources?: string[];
  /** Why it is damaged. */
  problem?: string;
}

export interface DrillReport {
  at: string;
  outcome: 'success' | 'failure';
  /** Source and target pairs drilled, and how many of them failed. */
  drills: number;
  failed: number;
}
