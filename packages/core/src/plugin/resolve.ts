import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import type { PluginKind } from './types.js';

/**
 * The package names a `use:` value may stand for, in the order they are tried.
 * `folder` as a source -> `@pickup/source-folder`, then `pickup-source-folder`; a full package name as given.
 */
export function candidatePackages(kind: PluginKind, use: string): string[] {
  const isPackageName = use.startsWith('@') || use.startsWith(`pickup-${kind}-`);
  return isPackageName ? [use] : [`@pickup/${kind}-${use}`, `pickup-${kind}-${use}`];
}

/** How to install a plugin that is missing: `npm install @pickup/source-x (or pickup-source-x, ...)`. */
export function installHint(names: readonly string[]): string {
  const [first, ...others] = names;
  return `npm install ${first}${others.length > 0 ? ` (or ${others.join(', ')}, for a plugin from a third party)` : ''}`;
}

export interface FoundPackage {
  name: string;
  version: string;
  /** The package's folder, symlinks resolved. */
  dir: string;
  /** The module file to import. */
  entry: string;
}

/** Finds an installed package the way Node does: `node_modules/<name>` in `fromDir` and each folder above it. */
export function findPackage(name: string, fromDir: string): FoundPackage | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return describePackage(realpathSync(candidate));
    if (dir === parse(dir).root) return undefined;
  }
}

function describePackage(dir: string): FoundPackage {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  return {
    name: manifest.name ?? dir,
    version: manifest.version ?? '0.0.0',
    dir,
    entry: join(dir, entryOf(manifest)),
  };
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
}

/** The file an ESM `import` of the package's root loads: `exports["."]` (import/node/default), else `main`. */
function entryOf(manifest: PackageJson): string {
  const root = pickExport(
    typeof manifest.exports === 'object' && manifest.exports !== null && '.' in manifest.exports
      ? (manifest.exports as Record<string, unknown>)['.']
      : manifest.exports,
  );
  return root ?? manifest.main ?? 'index.js';
}

function pickExport(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(pickExport).find((entry) => entry !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  const conditions = value as Record<string, unknown>;
  for (const condition of ['import', 'node', 'default']) {
    const picked = pickExport(conditions[condition]);
    if (picked !== undefined) return picked;
  }
  return undefined;
}
