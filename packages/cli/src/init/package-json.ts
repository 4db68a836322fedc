import { ExitCode, PickupError } from '@pickup/core/errors';
import type { ChosenPlugin } from './plugins.js';

/** The packages the config needs: the command and each plugin it uses. */
export function wantedDependencies(plugins: readonly ChosenPlugin[], cliVersion: string): Record<string, string> {
  // Official plugins are versioned on their own; every 0.x plugin works with a 0.x core.
  const range = (plugin: ChosenPlugin) =>
    plugin.package.startsWith('@pickup/') ? '0.x' : plugin.found ? `^${plugin.found.package.version}` : 'latest';
  return Object.fromEntries([
    ['@pickup/cli', `^${cliVersion}`],
    ...plugins.map((plugin) => [plugin.package, range(plugin)]),
  ]);
}

export interface MergedPackageJson {
  text: string;
  /** The dependencies it did not list yet. */
  added: string[];
}

/**
 * A new package.json for the config's folder, or `existing` with the missing dependencies added and
 * everything else left as it was (its indentation too). `file` names it in errors.
 */
export function mergePackageJson(
  existing: string | undefined,
  wanted: Record<string, string>,
  file: string,
): MergedPackageJson {
  if (existing === undefined) {
    const fresh = { name: 'pickup-config', private: true, type: 'module', dependencies: wanted };
    return { text: `${JSON.stringify(fresh, null, 2)}\n`, added: Object.keys(wanted) };
  }
  let json: unknown;
  try {
    json = JSON.parse(existing);
  } catch (error) {
    throw new PickupError(
      `${file} is not valid JSON (${(error as Error).message}); fix it, or use another --dir`,
      ExitCode.usage,
    );
  }
  if (!isObject(json) || (json.dependencies !== undefined && !isObject(json.dependencies))) {
    throw new PickupError(
      `${file} is not a package.json (an object whose dependencies are an object); fix it, or use another --dir`,
      ExitCode.usage,
    );
  }
  const listed = (name: string) =>
    [json.dependencies, json.devDependencies].some((deps) => isObject(deps) && name in deps);
  const added = Object.keys(wanted).filter((name) => !listed(name));
  if (added.length === 0) return { text: existing, added };
  const dependencies = { ...(json.dependencies as Record<string, unknown> | undefined) };
  for (const name of added) dependencies[name] = wanted[name];
  // Sorted, as npm keeps them.
  json.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const indent = /^([ \t]+)"/m.exec(existing)?.[1] ?? '  ';
  return { text: `${JSON.stringify(json, null, indent)}${existing.endsWith('\n') ? '\n' : ''}`, added };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
