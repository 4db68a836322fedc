import { pathToFileURL } from 'node:url';
import { closest } from '../validation/closest.js';
import { ConfigError } from '../errors.js';
import { listInstalledPlugins } from './discover.js';
import { candidatePackages, findPackage, installHint, type FoundPackage } from './resolve.js';
import { PLUGIN_API_VERSION, type Plugin, type PluginKind, type Source, type Target } from './types.js';

export interface LoadedPlugin<P extends Plugin = Plugin> {
  plugin: P;
  package: FoundPackage;
}

/**
 * Finds and imports the plugin a `use:` value names, from the config file's folder.
 * `where` names the config field for messages (`sources[0].use`).
 */
export async function loadPlugin<K extends PluginKind>(
  kind: K,
  use: string,
  fromDir: string,
  where: string,
): Promise<LoadedPlugin<K extends 'source' ? Source : Target>> {
  const names = candidatePackages(kind, use);
  const found = names.map((name) => findPackage(name, fromDir)).find((pkg) => pkg !== undefined);
  if (!found) {
    const near = closestInstalled(kind, use, fromDir);
    const hint = near ? `did you mean "${near}"?` : `install it there with: ${installHint(names)}`;
    throw new ConfigError(
      `${where}: no ${kind} plugin "${use}" is installed (looked for ${names.join(', ')} from ${fromDir}); ${hint}`,
    );
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(found.entry).href)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`${where}: plugin ${found.name} (${found.dir}) cannot be loaded: ${String(error)}`);
  }
  const plugin = module.default;
  const problem = shapeProblem(plugin, kind);
  if (problem)
    throw new ConfigError(`${where}: ${found.name}@${found.version} is not a pickup ${kind} plugin: ${problem}`);
  return { plugin: plugin as K extends 'source' ? Source : Target, package: found };
}

/** An installed plugin of this kind whose name is a typo away from `use` (its short name when it has one). */
function closestInstalled(kind: PluginKind, use: string, fromDir: string): string | undefined {
  const short = (name: string) => name.replace(new RegExp(`^(@pickup/${kind}-|pickup-${kind}-)`), '');
  const candidates = listInstalledPlugins(fromDir)
    .filter((plugin) => plugin.kind === kind)
    .map((plugin) =>
      plugin.name.startsWith('@pickup/') || plugin.name.startsWith('pickup-') ? short(plugin.name) : plugin.name,
    );
  return closest(short(use), candidates);
}

/** Why a module's default export is not a usable plugin of this kind, or undefined if it is. */
function shapeProblem(value: unknown, kind: PluginKind): string | undefined {
  if (typeof value !== 'object' || value === null) return `it has no default export made with define${capital(kind)}`;
  const plugin = value as Partial<Plugin>;
  if (plugin.kind === undefined) return `its default export was not made with define${capital(kind)}`;
  if (plugin.kind !== kind) return `it is a ${String(plugin.kind)} plugin, not a ${kind} plugin`;
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    return `it speaks plugin API ${String(plugin.apiVersion)}, this pickup speaks ${PLUGIN_API_VERSION}; install a matching version`;
  }
  if (typeof (plugin.options as { safeParse?: unknown } | undefined)?.safeParse !== 'function')
    return 'it has no options schema';
  const methods = kind === 'source' ? ['backup'] : ['push', 'list', 'remove', 'read'];
  const missing = methods.filter((method) => typeof (plugin as Record<string, unknown>)[method] !== 'function');
  if (missing.length > 0) return `it has no ${missing.map((method) => `${method}()`).join(', ')}`;
  return undefined;
}

function capital(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}
