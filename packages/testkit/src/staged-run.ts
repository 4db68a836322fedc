import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import {
  describeFiles,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  makeRunId,
  manifestFiles,
  writeManifest,
  type Manifest,
  type StagedRun,
} from '@pickup/core';
import { writeRandomFile } from './tree.js';

/** A file of a staged run: text, bytes, or `{ random: size }` random bytes. */
export type StagedContent = string | Uint8Array | { random: number };

export interface StageRunOptions {
  /** When the run started (its id); default now. */
  time?: Date;
  /** The host the manifest names; default this one (retention only counts this host's backups). */
  host?: string;
}

/**
 * Stages a run as the core does, under `<root>/<runId>`: the files (`<source>/<path>` as keys), then a
 * manifest listing them with sizes and sha256. What a target's `push` gets.
 */
export async function stageRun(
  root: string,
  files: Record<string, StagedContent>,
  options: StageRunOptions = {},
): Promise<StagedRun> {
  const time = options.time ?? new Date();
  const runId = makeRunId(time);
  const dir = join(root, runId);
  const sourceNames = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const [source, ...rest] = path.split('/');
    if (!source || rest.length === 0) throw new Error(`stageRun: ${path} must be <source>/<file>`);
    sourceNames.add(source);
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    if (typeof content === 'object' && 'random' in content) await writeRandomFile(file, content.random);
    else await writeFile(file, content);
  }
  const at = time.toISOString();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    runId,
    host: options.host ?? hostname(),
    pickupVersion: 'testkit',
    status: 'complete',
    startedAt: at,
    finishedAt: at,
    sources: await Promise.all(
      [...sourceNames].sort().map(async (name) => ({
        name,
        plugin: 'testkit',
        pluginVersion: '0.0.0',
        status: 'ok' as const,
        problems: [],
        startedAt: at,
        finishedAt: at,
        files: await describeFiles(dir, join(dir, name)),
      })),
    ),
  };
  await writeManifest(dir, manifest);
  return { runId, dir, files: manifestFiles(manifest), manifestFile: MANIFEST_FILE, manifest };
}

/** Files with the names targets trip over: unicode, spaces, deep folders, an empty file, and a bigger random one. */
export function awkwardRunFiles(bigFile: number): Record<string, StagedContent> {
  return {
    'www/www.tar.gz': randomBytes(64 * 1024),
    'db/Ünïcödé näme with spaces.sql.gz': 'CREATE TABLE t (x int);\n',
    'split/a/b/c/deep.tar.gz': randomBytes(1000),
    'split/empty': '',
    'big/big.bin': { random: bigFile },
  };
}
