import { resolve } from 'node:path';
import { ConfigError, isPickupError } from '../errors.js';
import { loadPlugin } from './load.js';
import type { FoundPackage } from './resolve.js';
import type { PluginKind, Source, Target } from './types.js';
import { describeIssues, formatPath } from '../validation/issues.js';
import { loadConfigFile, type LoadedConfig } from '../config/load.js';
import type { PluginEntry } from '../config/schema.js';
import type { RetentionPolicy } from '../model/retention.js';
import type { Hooks } from '../hooks/schema.js';

export interface PlannedPlugin<P> {
  /** The name the config gives it. */
  name: string;
  /** Where it stands in the config, for messages: `sources[0]`. */
  where: string;
  plugin: P;
  package: FoundPackage;
  /** Options validated and defaulted by the plugin's schema. */
  options: unknown;
  /** A target's retention policy (none: keep everything). */
  retention?: RetentionPolicy | undefined;
  /** A source's before and after hooks. */
  hooks?: Hooks | undefined;
  /** A source's `drill`: who its drill restores as. */
  drill?: { as: string; passwordFile?: string | undefined } | undefined;
}

/** A loaded config with every plugin found and every option checked: what a run or a check works from. */
export interface Plan extends LoadedConfig {
  sources: PlannedPlugin<Source>[];
  targets: PlannedPlugin<Target>[];
  /** Resolves a path from the config against the config file's folder. */
  resolvePath(path: string): string;
}

/**
 * Reads and validates a config file; when it does not validate, the options of its plugin entries are
 * checked too, as far as they can be, so that every problem comes in one round.
 */
export function loadConfig(file: string): Promise<LoadedConfig> {
  return loadConfigFile(file, entryProblems);
}

/** Resolves every plugin and validates its options; collects every problem, then fails once with all of them. */
export async function buildPlan(loaded: LoadedConfig): Promise<Plan> {
  const problems: string[] = [];
  const sources = await planEntries<Source>('source', 'sources', loaded.config.sources, loaded, problems);
  const targets = await planEntries<Target>('target', 'targets', loaded.config.targets, loaded, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems);
  return { ...loaded, sources, targets, resolvePath: (path) => resolve(loaded.dir, path) };
}

/**
 * The problems of the plugin entries of a config whose top level did not validate, as far as they can
 * be checked (an entry with a `use` and an object `with`): so that every problem comes in one round.
 */
async function entryProblems(raw: unknown, where: { file: string; dir: string }): Promise<string[]> {
  const problems: string[] = [];
  const entries = (list: 'sources' | 'targets') => {
    const value = (raw as Record<string, unknown> | null)?.[list];
    return (Array.isArray(value) ? value : []).map((entry: unknown) => {
      const candidate = entry as Partial<PluginEntry> | null;
      const usable = typeof candidate?.use === 'string' && (candidate.with === undefined || isObject(candidate.with));
      return usable ? { name: String(candidate!.name), use: candidate!.use!, with: candidate!.with ?? {} } : undefined;
    });
  };
  await planEntries('source', 'sources', entries('sources'), where, problems);
  await planEntries('target', 'targets', entries('targets'), where, problems);
  return problems;
}

type Entry = Pick<PluginEntry, 'name' | 'use' | 'with'> & { retention?: unknown; hooks?: unknown; drill?: unknown };

/** Finds the plugin of each entry and validates its options; problems are added to `problems`. */
async function planEntries<P extends Source | Target>(
  kind: PluginKind,
  list: 'sources' | 'targets',
  entries: readonly (Entry | undefined)[],
  where: { file: string; dir: string },
  problems: string[],
): Promise<PlannedPlugin<P>[]> {
  const planned: PlannedPlugin<P>[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    if (!entry) continue;
    const at = formatPath([list, index]);
    if (seen.has(entry.name))
      problems.push(`${where.file}: ${at}.name: "${entry.name}" is used twice; give each a name of its own`);
    seen.add(entry.name);
    try {
      const found = await loadPlugin(kind, entry.use, where.dir, `${at}.use`);
      const parsed = found.plugin.options.safeParse(entry.with);
      if (!parsed.success) {
        const context = { prefix: [list, index, 'with'], schema: found.plugin.options, input: entry.with };
        problems.push(...describeIssues(parsed.error, context).map((line) => `${where.file}: ${line}`));
        continue;
      }
      const retention = entry.retention as RetentionPolicy | undefined;
      const hooks = entry.hooks as Hooks | undefined;
      const drill = entry.drill as PlannedPlugin<P>['drill'];
      planned.push({
        name: entry.name,
        where: at,
        plugin: found.plugin as P,
        package: found.package,
        options: parsed.data,
        retention,
        hooks,
        ...(drill ? { drill } : {}),
      });
    } catch (error) {
      if (!isPickupError(error)) throw error;
      problems.push(`${where.file}: ${error.message}`);
    }
  }
  return planned;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
