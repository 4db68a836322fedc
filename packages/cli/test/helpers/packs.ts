import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './project.js';

const run = promisify(execFile);

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  engines?: Record<string, string>;
  main?: string;
  types?: string;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A package as `pnpm pack` made it: the tarball, its package.json (workspace: ranges replaced) and its entries. */
export interface Tarball {
  file: string;
  manifest: PackageJson;
  /** Paths inside the package, without the leading `package/`. */
  entries: string[];
}

/** pnpm as the test command was started with it (a script, or pnpm's own executable), or from PATH. */
function pnpmCommand(): string[] {
  const started = process.env.npm_execpath;
  if (!started?.includes('pnpm')) return ['pnpm'];
  return /\.[cm]?js$/.test(started) ? [process.execPath, started] : [started];
}

/** Packs the workspace packages the filters select (`./packages/*`) into `destination`, as a release publishes them. */
export async function packWorkspace(destination: string, filters: string[]): Promise<Map<string, Tarball>> {
  const [pnpm, ...pnpmArgs] = pnpmCommand();
  const filterArgs = filters.flatMap((filter) => ['--filter', filter]);
  await run(pnpm!, [...pnpmArgs, '-r', ...filterArgs, 'pack', '--pack-destination', destination], { cwd: repoRoot });
  const tarballs = new Map<string, Tarball>();
  for (const name of await readdir(destination)) {
    const file = join(destination, name);
    const manifest = JSON.parse((await run('tar', ['-xzOf', file, 'package/package.json'])).stdout) as PackageJson;
    const entries = (await run('tar', ['-tzf', file])).stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ''));
    tarballs.set(manifest.name, { file, manifest, entries });
  }
  return tarballs;
}
