import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * A folder of Pickup's caches: `$XDG_CACHE_HOME/pickup/<name>`, else `~/.cache/pickup/<name>`, the
 * `pickup` folder private (0700). Never beside the config, whose folder may be read-only, nor in a
 * shared /tmp, where another user could plant what a later run would execute. Undefined when it cannot
 * be made (no home folder, a read-only one): the cache is then done without. The CLI keeps Node's
 * compile cache in the same `pickup` folder.
 */
export function cacheDir(name: string): string | undefined {
  const xdg = process.env.XDG_CACHE_HOME;
  try {
    const base = join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'pickup');
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const dir = join(base, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return undefined;
  }
}
