import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { findPackage, type FoundPackage } from './resolve.js';
import type { PluginKind } from './types.js';

export interface InstalledPlugin extends FoundPackage {
  kind: PluginKind;
}

const PLUGIN_NAME = /^(?:@pickup\/|(?:@[^/]+\/)?pickup-)(source|target)-[^/]+$/;

/** The plugin kind a package name says it is, if it follows the naming convention. */
export function pluginKindOf(name: string): PluginKind | undefined {
  return PLUGIN_NAME.exec(name)?.[1] as PluginKind | undefined;
}

/**
 * Every package named like a plugin (`@pickup/source-*`, `pickup-target-*`, `@scope/pickup-source-*`)
 * in the `node_modules` folders that `fromDir` can import from; the nearest one of each name wins.
 */
export function listInstalledPlugins(fromDir: string): InstalledPlugin[] {
  const found = new Map<string, InstalledPlugin>();
  for (let dir = fromDir; ; dir = dirname(dir)) {
    for (const name of packageNames(join(dir, 'node_modules'))) {
      const kind = pluginKindOf(name);
      if (!kind || found.has(name)) continue;
      const pkg = findPackage(name, dir);
      if (pkg) found.set(name, { ...pkg, kind });
    }
    if (dir === parse(dir).root) break;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function packageNames(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name],
  );
}
