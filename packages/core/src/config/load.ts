import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import { cacheDir } from './cache-dir.js';
import { configSchema, type ParsedConfig } from './schema.js';
import { describeIssues } from '../validation/issues.js';

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Its folder: relative paths in the config are relative to it. */
  dir: string;
  config: ParsedConfig;
}

/** Finds more problems of a config whose top level did not validate (the plugins' options: a layer above). */
export type MoreProblems = (raw: unknown, where: { file: string; dir: string }) => Promise<string[]>;

/**
 * Reads and validates a config file (the plugins' own options are checked later, by `buildPlan`).
 * When it does not validate, `moreProblems` adds what else it can find: every problem in one round.
 */
export async function loadConfigFile(file: string, moreProblems?: MoreProblems): Promise<LoadedConfig> {
  const raw = await importConfig(file);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = [
      ...describeIssues(parsed.error, { schema: configSchema, input: raw }).map((line) => `${file}: ${line}`),
      ...((await moreProblems?.(raw, { file, dir: dirname(file) })) ?? []),
    ];
    throw new ConfigError(problems.join('\n'), problems);
  }
  return { file, dir: dirname(file), config: parsed.data };
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new ConfigError(`config file ${file} cannot be read: ${messageOf(error)}`);
    });
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${messageOf(error)}`);
    }
  }
  try {
    // jiti compiles TypeScript on the fly; its file cache (see cacheDir) keeps later runs fast. Loaded
    // only here: a JSON config, and commands that load no config, do without it.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(file, { interopDefault: true, fsCache: cacheDir('jiti') ?? false });
    const module = await jiti.import<unknown>(file, { default: true });
    return module;
  } catch (error) {
    throw new ConfigError(`config file ${file} cannot be loaded: ${oneLine(messageOf(error))}`);
  }
}

/** jiti puts the location of a syntax error on a line of its own: `...expected ","\n /x/pickup.config.ts:2:0`. */
function oneLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const location = lines.find((line) => /:\d+:\d+$/.test(line));
  return location && location !== lines[0] ? `${lines[0]} (${location})` : (lines[0] ?? text);
}
