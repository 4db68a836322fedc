import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../config/cache-dir.js';

/** The last `pickup drill` of a config at each of its targets, kept for `pickup report`. */
export type LastDrills = Record<string, TargetDrill>;

/** A drill at one target: when, and how each source's drill went. */
export interface TargetDrill {
  at: string;
  drills: { source: string; status: 'ok' | 'failed' }[];
}

/** `~/.cache/pickup/drills/<hash of the config's real path>.json`; undefined without a cache folder. */
function recordOf(configFile: string): string | undefined {
  const dir = cacheDir('drills');
  if (!dir) return undefined;
  let real = configFile;
  try {
    real = realpathSync(configFile);
  } catch {
    // a config that is gone has no drill to tell of; its path is as good a key as any
  }
  return join(dir, `${createHash('sha256').update(real).digest('hex').slice(0, 32)}.json`);
}

/**
 * Keeps the outcome of a drill at each target it drilled, beside what earlier drills of other targets
 * left; a record that cannot be written is done without (the report then knows of no drill).
 */
export async function recordLastDrill(
  configFile: string,
  at: string,
  drills: readonly { source: string; target: string; status: 'ok' | 'failed' }[],
): Promise<void> {
  const file = recordOf(configFile);
  if (!file) return;
  const record: LastDrills = { ...(await readLastDrills(configFile)) };
  for (const target of new Set(drills.map((drill) => drill.target))) {
    const ofTarget = drills.filter((drill) => drill.target === target);
    record[target] = { at, drills: ofTarget.map(({ source, status }) => ({ source, status })) };
  }
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch {
    await rm(temp, { force: true });
  }
}

/** The config's last drill at each target, as recorded by this user; nothing if none was (or it is damaged). */
export async function readLastDrills(configFile: string): Promise<LastDrills> {
  const file = recordOf(configFile);
  if (!file) return {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, Partial<TargetDrill> | null>;
    const record: LastDrills = {};
    for (const [target, drill] of Object.entries(parsed)) {
      if (typeof drill?.at === 'string' && Array.isArray(drill.drills))
        record[target] = { at: drill.at, drills: drill.drills };
    }
    return record;
  } catch {
    return {};
  }
}
