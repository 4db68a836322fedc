import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export const CONFIG_FILE_NAMES = [
  'pickup.config.ts',
  'pickup.config.mts',
  'pickup.config.js',
  'pickup.config.mjs',
  'pickup.config.json',
] as const;

export interface FindConfigOptions {
  /** `--config`, if given. */
  explicit?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The config file to use: `--config`, then `$PICKUP_CONFIG`, then the first known name in the working folder. */
export function findConfigFile({ explicit, env = process.env, cwd = process.cwd() }: FindConfigOptions): string {
  const named = explicit ?? (env.PICKUP_CONFIG || undefined);
  if (named !== undefined) {
    const file = resolve(cwd, named);
    const from = explicit !== undefined ? '--config' : '$PICKUP_CONFIG';
    if (!existsSync(file)) throw new ConfigError(`config file ${file} (from ${from}) does not exist`);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new ConfigError(
    `no config file in ${cwd} (looked for ${CONFIG_FILE_NAMES.join(', ')}); pass --config FILE or set PICKUP_CONFIG`,
  );
}
