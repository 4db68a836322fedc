// A generated fleet for `pickup report`: many hosts' backups in a folder target's per-host layout (`perHost: true`),
// for the report's tests and its bench case.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DAY = 24 * 3600 * 1000;

/** A run id of `date`, as Pickup names a run: the ISO time without colons. */
export const runIdOf = (date) => date.toISOString().replaceAll(':', '');

/**
 * Fills `root` (the target's `path`) with `hosts` host folders (`host-00`, ...) of `backupsPerHost` backups each,
 * one a day, the newest `newestHoursAgo(hostIndex)` hours before `now`: copies of the complete backup in
 * `template` (a run folder a real `pickup run` wrote), each manifest given its run id, host and times.
 * Returns the host names.
 */
export async function makeFleetFolder(
  template,
  root,
  { hosts, backupsPerHost, now = new Date(), newestHoursAgo = () => 1 },
) {
  const manifest = JSON.parse(await readFile(join(template, 'manifest.json'), 'utf8'));
  const names = [];
  for (let h = 0; h < hosts; h++) {
    const host = `host-${String(h).padStart(2, '0')}`;
    names.push(host);
    for (let b = 0; b < backupsPerHost; b++) {
      const finished = new Date(now.getTime() - newestHoursAgo(h) * 3600_000 - b * DAY);
      const started = new Date(finished.getTime() - 60_000);
      const runId = runIdOf(started);
      const dir = join(root, host, runId);
      await mkdir(join(root, host), { recursive: true });
      await cp(template, dir, { recursive: true });
      const copy = { ...manifest, runId, host, startedAt: started.toISOString(), finishedAt: finished.toISOString() };
      await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(copy, null, 2)}\n`);
    }
  }
  return names;
}
