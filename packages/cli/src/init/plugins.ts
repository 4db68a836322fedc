import { fileURLToPath } from 'node:url';
import {
  candidatePackages,
  findPackage,
  listInstalledPlugins,
  loadPlugin,
  type FoundPackage,
  type InitQuestion,
  type InitTemplate,
  type PluginKind,
} from '@pickup/core';
import { ExitCode, PickupError } from '@pickup/core/errors';

/** The official plugins' short names: offered, and installed when missing. Names only: each plugin has its template. */
export const OFFICIAL: Record<PluginKind, readonly string[]> = {
  source: ['folder', 'folder-split', 'postgres', 'mysql'],
  target: ['folder', 'ftp', 'rsync', 's3', 'restic'],
};

/** Where this command is installed: plugins installed beside it serve for their templates too. */
const CLI_DIR = fileURLToPath(new URL('.', import.meta.url));

const QUESTIONS: readonly InitQuestion[] = ['folders', 'databases', 'server', 'folder'];

/** A plugin the config will use. */
export interface ChosenPlugin {
  kind: PluginKind;
  /** As the user named it, and as `use:` says: `postgres`, `pickup-source-redis`. */
  use: string;
  /** Its package: the one installed, else the one to install. */
  package: string;
  /** The installed package, and the folder it was found from. */
  found?: { from: string; package: FoundPackage };
  /** Once loaded; undefined if the plugin offers none. */
  template?: InitTemplate;
}

/** Whether `plugin`'s template asks for `question`. */
export function asks(plugin: ChosenPlugin, question: InitQuestion): boolean {
  return plugin.template?.asks?.includes(question) ?? false;
}

/** What the choices of a `--source` or `--target` question list: the official plugins, then the others installed. */
export function pluginChoices(kind: PluginKind, dir: string): string[] {
  const installed = [dir, CLI_DIR]
    .flatMap((from) => listInstalledPlugins(from))
    .filter((plugin) => plugin.kind === kind)
    .map((plugin) => shortName(kind, plugin.name));
  return [...new Set([...OFFICIAL[kind], ...installed])];
}

/** `@pickup/source-folder` and `pickup-source-folder` → `folder`; another name as it is. */
export function shortName(kind: PluginKind, name: string): string {
  return name.replace(new RegExp(`^(@pickup/${kind}-|pickup-${kind}-)`), '');
}

/** Whether init can use `use`: an official plugin, a package name to install, or a plugin installed here. */
export function isUsable(kind: PluginKind, use: string, dir: string): boolean {
  if (OFFICIAL[kind].includes(use)) return true;
  if (candidatePackages(kind, use).length === 1) return /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(use);
  return findPlugin(kind, use, dir) !== undefined;
}

/** The plugin `use` names, installed from `dir` (the config's folder) or from where this command is. */
export function findPlugin(kind: PluginKind, use: string, dir: string): ChosenPlugin['found'] {
  for (const from of [dir, CLI_DIR]) {
    const found = candidatePackages(kind, use)
      .map((name) => findPackage(name, from))
      .find((pkg) => pkg !== undefined);
    if (found) return { from, package: found };
  }
  return undefined;
}

/** `use` as a chosen plugin: its package, installed or not. */
export function choosePlugin(kind: PluginKind, use: string, dir: string): ChosenPlugin {
  const found = findPlugin(kind, use, dir);
  return found
    ? { kind, use, package: found.package.name, found }
    : { kind, use, package: candidatePackages(kind, use)[0]! };
}

/** Imports an installed plugin, through the core's loader, and takes its template. */
export async function loadTemplate(plugin: ChosenPlugin): Promise<void> {
  if (!plugin.found) throw new Error(`${plugin.package} is not installed`);
  const where = `--${plugin.kind} ${plugin.use}`;
  const { plugin: loaded } = await loadPlugin(plugin.kind, plugin.use, plugin.found.from, where);
  const template = loaded.init;
  if (template === undefined) return;
  const unknown = (template.asks ?? []).filter((question) => !QUESTIONS.includes(question));
  if (typeof template.options !== 'function' || unknown.length > 0) {
    const problem =
      unknown.length > 0
        ? `asks for ${unknown.map((q) => JSON.stringify(q)).join(', ')}, unknown to this pickup init`
        : 'has no options()';
    throw new PickupError(
      `${where}: the init template of ${plugin.package} ${problem}; update @pickup/cli, or leave it out`,
      ExitCode.usage,
    );
  }
  plugin.template = template;
}
