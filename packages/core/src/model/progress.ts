import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What a plugin may say about how far it is: counts so far, and totals where it knows them. */
export interface ProgressUpdate {
  /** Bytes read (a source) or sent (a target) so far. */
  bytes?: number;
  files?: number;
  totalBytes?: number;
  totalFiles?: number;
}

/** One step of a run, for a live display. Never called when nobody watches (cron). */
export interface ProgressEvent extends ProgressUpdate {
  kind: 'source' | 'target';
  name: string;
  phase: 'running' | 'done' | 'failed';
  /** A source's output so far in the staging area (measured by the core, whatever the plugin reports). */
  stagedBytes?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

const STAGED_POLL_MS = 1000;

/**
 * Reports a source's staged bytes every second while it runs, so even a plugin that says nothing
 * (a database dump) shows progress. Stops with `stop()`.
 */
export function watchStagedBytes(dir: string, report: (bytes: number) => void): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    stagedBytes(dir)
      .then(report, () => {})
      .finally(() => (busy = false));
  }, STAGED_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function stagedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
