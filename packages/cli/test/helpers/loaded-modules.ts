import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module loader hook (run by Node off the main thread): each ES module's URL, one a line. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.PICKUP_TEST_LOADED, url + '\\n');
  return next(url, context);
}`;

/** Preloaded with --import: the hook above for ES modules, and the CommonJS modules in require's cache at exit. */
const PRELOAD = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.PICKUP_TEST_LOADED, Object.keys(cache).join('\\n') + '\\n'));
`;

export interface LoadedModules {
  /** The environment that has a pickup record what it loads. */
  env: Record<string, string>;
  /** The files (ES and CommonJS) loaded by the pickups run with `env` since the last call. */
  take(): Promise<string[]>;
}

/** Records, in `dir`, every module file a pickup process loads: what a command costs at start. */
export async function recordLoadedModules(dir: string): Promise<LoadedModules> {
  const preload = join(dir, 'record-loaded-modules.mjs');
  const list = join(dir, 'loaded-modules.txt');
  await writeFile(preload, PRELOAD);
  await writeFile(list, '');
  return {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(preload).href}`.trim(),
      PICKUP_TEST_LOADED: list,
    },
    async take() {
      const lines = (await readFile(list, 'utf8')).split('\n').filter((line) => line !== '');
      await writeFile(list, '');
      return [...new Set(lines)];
    },
  };
}
