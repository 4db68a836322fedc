import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../config/cache-dir.js';

/** The last `pickup drill` of a config, kept for `pickup report`. */
export interface LastDrill {
  at: string;
  drills: { source: string; target: string; status: 'ok' | 'failed' }[];
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

/** Keeps the drill's outcome; a record that cannot be written is done without (the report then knows of no drill). */
export async function recordLastDrill(configFile: string, drill: LastDrill): Promise<void> {
  const file = recordOf(configFile);
  if (!file) return;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(drill)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch {
    await rm(temp, { force: true });
  }
}

/** The config's last drill, if one was recorded by this user. */
export async function readLastDrill(configFile: string): Promise<LastDrill | undefined> {
  const file = recordOf(configFile);
  if (!file) return undefined;
  try {
    const drill = JSON.parse(await readFile(file, 'utf8')) as Partial<LastDrill>;
    if (typeof drill.at !== 'string' || !Array.isArray(drill.drills)) return undefined;
    return { at: drill.at, drills: drill.drills.filter((d) => typeof d?.target === 'string') };
  } catch {
    return undefined;
  }
}
