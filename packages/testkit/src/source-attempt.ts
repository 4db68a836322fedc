import { lstatSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFiles, messageOf, type ManifestFile, type Source, type SourceFacts } from '@pickup/core';
import type { Harness } from './harness.js';
import type { Awaitable } from './per-test.js';
import { changesAround, lookAround, STAGING, type Changes, type Surroundings } from './surroundings.js';
import { snapshotTree } from './tree.js';

/** A backup on its way, started as the core starts one. */
export interface StartedBackup {
  /** The source's folder, and the same relative to the work folder. */
  dir: string;
  own: string;
  warnings: string[];
  /** Why it failed (its message), or undefined once it succeeded. */
  outcome: Promise<string | undefined>;
  settled(): boolean;
  /** What its folder held the moment it settled (see `listing`). */
  atSettling(): string[];
  before: Surroundings;
  dataBefore: unknown;
  /** The facts the backup returned, once it resolved. */
  facts(): SourceFacts | undefined;
}

/** What a backup did, failed or not. */
export interface BackupAttempt {
  dir: string;
  /** Why the backup failed, if it did. */
  error?: string | undefined;
  files: ManifestFile[];
  /** What it recorded for a drill (`BackupResult.facts`), as it returned them. */
  facts: SourceFacts | undefined;
  warnings: string[];
  /** What changed outside its folder. */
  changes: Changes;
  /** The fixture's fingerprint of its data before and after (undefined without one). */
  dataBefore: unknown;
  dataAfter: unknown;
  /** Entries in its folder that are neither files nor folders (the manifest cannot hold them). */
  oddEntries: string[];
}

export interface AttemptSetting {
  harness: Harness;
  // biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
  source: Source<any>;
  /** The source's name in the config. */
  name: string;
  options: unknown;
  fingerprint: (() => Awaitable<unknown>) | undefined;
  /** The run's folder in the staging area (default `run`): another one for a second backup in the same test. */
  run?: string;
}

/**
 * Starts a backup into `staging/<run>/<name>`, beside a neighbour source's folder, having looked at
 * everything else in the work folder first.
 */
export async function startBackup(setting: AttemptSetting, signal?: AbortSignal): Promise<StartedBackup> {
  const { harness, source, name, run = 'run' } = setting;
  const own = `${STAGING}/${run}/${name}`;
  const dir = join(harness.workDir, own);
  await mkdir(dir, { recursive: true });
  await mkdir(join(harness.workDir, STAGING, run, 'neighbour'), { recursive: true });
  await writeFile(join(harness.workDir, STAGING, run, 'neighbour/keep.txt'), 'another source\n');
  const before = await lookAround(harness.workDir, own);
  const dataBefore = await setting.fingerprint?.();
  const warnings: string[] = [];
  let settled = false;
  let atSettling: string[] = [];
  let facts: SourceFacts | undefined;
  const context = harness.context(source, name, setting.options, signal);
  const outcome = Promise.resolve()
    .then(() => source.backup({ ...context, dir, warn: (message) => warnings.push(message) }))
    .then(
      (result) => {
        facts = result?.facts;
        return undefined;
      },
      (failure: unknown) => messageOf(failure),
    )
    .finally(() => {
      settled = true;
      atSettling = listing(dir); // at once: a program it left running may write in a moment
    });
  return {
    dir,
    own,
    warnings,
    outcome,
    settled: () => settled,
    atSettling: () => atSettling,
    before,
    dataBefore,
    facts: () => facts,
  };
}

/** Looks at what the settled backup left, in its folder and around it. */
export async function finishBackup(
  setting: AttemptSetting,
  started: StartedBackup,
  error: string | undefined,
): Promise<BackupAttempt> {
  const { dir, own } = started;
  const changes = await changesAround(await lookAround(setting.harness.workDir, own), started.before, own);
  const dataAfter = await setting.fingerprint?.();
  const inside = await snapshotTree(dir);
  return {
    dir,
    error,
    files: await describeFiles(dir, dir),
    facts: started.facts(),
    warnings: started.warnings,
    changes,
    dataBefore: started.dataBefore,
    dataAfter,
    oddEntries: [...inside]
      .filter(([, entry]) => entry.type !== 'file' && entry.type !== 'dir')
      .map(([path, entry]) => `${path} (${entry.type})`),
  };
}

/** Every entry below `dir` with its type and size, `a/b.gz file 1234`; read synchronously, so that nothing runs meanwhile. */
export function listing(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    try {
      const stats = lstatSync(join(dir, name));
      return stats.isFile() ? `${name} file ${stats.size}` : `${name} ${stats.isDirectory() ? 'folder' : 'other'}`;
    } catch {
      return `${name} gone`;
    }
  });
}

/** The lines of `now` that `then` lacks, and those gone from it. */
export function differences(now: readonly string[], then: readonly string[]): string[] {
  const added = now.filter((line) => !then.includes(line)).map((line) => `now: ${line}`);
  return [...added, ...then.filter((line) => !now.includes(line)).map((line) => `gone: ${line}`)];
}
