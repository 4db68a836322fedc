import { resolve } from 'node:path';
import { ConfigError, isPickupError } from '../errors.js';
import { loadPlugin } from '../plugin/load.js';
import type { FoundPackage } from '../plugin/resolve.js';
import type { PluginKind, Source, Target } from '../plugin/types.js';
import { describeIssues, formatPath } from './issues.js';
import type { LoadedConfig } from './load.js';
import type { RetentionPolicy } from '../lifecycle/retention.js';
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
}

/** A loaded config with every plugin found and every option checked: what a run or a check works from. */
export interface Plan extends LoadedConfig {
  sources: PlannedPlugin<Source>[];
  targets: PlannedPlugin<Target>[];
  /** Resolves a path from the config against the config file's folder. */
  resolvePath(path: string): string;
}

/** Resolves every plugin and validates its options; collects every problem, then fails once with all of them. */
export async function buildPlan(loaded: LoadedConfig): Promise<Plan> {
  const problems: string[] = [];
  const plan = async <P extends Source | Target>(kind: PluginKind, list: 'sources' | 'targets') => {
    const planned: PlannedPlugin<P>[] = [];
    const seen = new Set<string>();
    for (const [index, entry] of loaded.config[list].entries()) {
      const where = formatPath([list, index]);
      if (seen.has(entry.name)) problems.push(`${loaded.file}: ${where}.name: "${entry.name}" is used twice; give each a name of its own`);
      seen.add(entry.name);
      try {
        const found = await loadPlugin(kind, entry.use, loaded.dir, `${where}.use`);
        const parsed = found.plugin.options.safeParse(entry.with);
        if (!parsed.success) {
          problems.push(...describeIssues(parsed.error, [list, index, 'with']).map((line) => `${loaded.file}: ${line}`));
          continue;
        }
        const retention = 'retention' in entry ? (entry.retention as RetentionPolicy | undefined) : undefined;
        const hooks = 'hooks' in entry ? (entry.hooks as Hooks | undefined) : undefined;
        planned.push({ name: entry.name, where, plugin: found.plugin as P, package: found.package, options: parsed.data, retention, hooks });
      } catch (error) {
        if (!isPickupError(error)) throw error;
        problems.push(`${loaded.file}: ${error.message}`);
      }
    }
    return planned;
  };
  const sources = await plan<Source>('source', 'sources');
  const targets = await plan<Target>('target', 'targets');
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems);
  return { ...loaded, sources, targets, resolvePath: (path) => resolve(loaded.dir, path) };
}
