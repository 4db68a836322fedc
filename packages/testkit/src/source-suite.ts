import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFiles, messageOf, type ManifestFile, type RestoreFile, type Source } from '@pickup/core';
import { failureOf, parseOptions } from './harness.js';
import { expectOneLineMessages, itIsAPluginOfThisCore, perTest, type Awaitable, type FixtureBase } from './per-test.js';
import { compareTrees, snapshotTree } from './tree.js';

/** Something to back up, made fresh for one test. */
export interface SourceFixture extends FixtureBase {
  /** How to check a restore; required when the source can restore. */
  restore?: {
    /** What `pickup restore --to` would get: a new folder, a new database name. */
    to: string;
    /** `--only`, for a source that needs a choice (one database of several). */
    only?: string[];
    /** Throws (or fails an `expect`) unless what is at `to` equals what was backed up. */
    verify(to: string): Awaitable<void>;
  };
  /** For a broken fixture: the problem shows only when the backup runs (a command that fails), so `check` may pass. */
  onlyBackupFails?: boolean;
}

export interface SourceSuite {
  /** Makes fresh data (files under `workDir`, a new database) and returns how to back it up. */
  setup(workDir: string): Awaitable<SourceFixture>;
  /** Options naming something that cannot be backed up (a missing folder, a wrong password). */
  broken?(workDir: string): Awaitable<SourceFixture>;
  /** The source's name in the config (default `data`). */
  name?: string;
}

interface BackupAttempt {
  dir: string;
  /** Why the backup failed, if it did. */
  error?: string;
  files: ManifestFile[];
  warnings: string[];
  /** What changed outside the source's own folder, as compareTrees says it. */
  changedOutside: string[];
  /** Entries in its folder that are neither files nor folders (the manifest cannot hold them). */
  oddEntries: string[];
}

/**
 * The conformance suite every source plugin runs (vitest). It calls the plugin as the core does and
 * checks the contract, not the implementation: a backup writes only into its own folder, leaves only
 * regular files there, changes nothing it backs up, stops when interrupted, restores what it backed up,
 * and never shows a secret.
 */
export function describeSource(plugin: Source<any>, suite: SourceSuite): void {
  const name = suite.name ?? 'data';

  describe(`${plugin.name} keeps the source contract`, () => {
    const t = perTest<SourceFixture>();

    const setUp = (make = suite.setup) => t.setUp(make);
    const context = (signal?: AbortSignal) => t.harness.context(plugin, name, t.fixture.options, signal);

    /**
     * Runs a backup into `staging/run/<name>`, beside a neighbour folder, and looks at everything else
     * in the work folder before and after. Returns what happened, failed or not.
     */
    const attemptBackup = async (signal?: AbortSignal): Promise<BackupAttempt> => {
      const runDir = join(t.harness.workDir, 'staging/run');
      const dir = join(runDir, name);
      await mkdir(dir, { recursive: true });
      await mkdir(join(runDir, 'neighbour'));
      await writeFile(join(runDir, 'neighbour/keep.txt'), 'another source\n');
      const skip = [`staging/run/${name}`];
      const before = await snapshotTree(t.harness.workDir, { skip });
      const warnings: string[] = [];
      let error: string | undefined;
      try {
        await plugin.backup({ ...context(signal), dir, warn: (message) => warnings.push(message) });
      } catch (failure) {
        error = messageOf(failure);
        t.errors.push(error);
      }
      const changedOutside = await compareTrees(await snapshotTree(t.harness.workDir, { skip }), before);
      const inside = await snapshotTree(dir);
      return {
        dir,
        error,
        files: await describeFiles(dir, dir),
        warnings,
        changedOutside,
        oddEntries: [...inside].filter(([, entry]) => entry.type !== 'file' && entry.type !== 'dir').map(([path, entry]) => `${path} (${entry.type})`),
      };
    };
    const backUp = async (): Promise<BackupAttempt> => {
      const attempt = await attemptBackup();
      if (attempt.error !== undefined) throw new Error(`the backup failed: ${attempt.error}`);
      return attempt;
    };

    itIsAPluginOfThisCore('source', plugin, t, setUp);

    if (plugin.check) {
      it('check passes when a backup could run, and writes nothing', async () => {
        await setUp();
        const before = await snapshotTree(t.harness.workDir);
        await plugin.check!(context());
        expect(await compareTrees(await snapshotTree(t.harness.workDir), before)).toEqual([]);
      });
    }

    it('backs up into its own folder only, as regular files, without warnings', async () => {
      await setUp();
      const staged = await backUp();
      expect(staged.changedOutside, 'changes outside its folder (or to what it backs up)').toEqual([]);
      expect(staged.oddEntries, 'entries that are not regular files or folders').toEqual([]);
      expect(staged.files.length, 'files it left in its folder').toBeGreaterThan(0);
      expect(staged.warnings).toEqual([]);
    });

    it('stops with an error when the run is interrupted, changing nothing outside its folder', async () => {
      await setUp();
      const controller = new AbortController();
      controller.abort();
      const attempt = await attemptBackup(controller.signal);
      expect(attempt.error, 'the backup should have failed').toMatch(/\S/);
      expect(attempt.changedOutside).toEqual([]);
    });

    /** Restores the staged backup as `pickup restore` would, with `only`. */
    const restore = async (only: readonly string[], staged: BackupAttempt) => {
      const paths = staged.files.map((file) => file.path);
      const wanted = plugin.filesToRestore ? plugin.filesToRestore(only, paths) : paths;
      const files: RestoreFile[] = await Promise.all(
        wanted.map(async (path) => ({ path, localPath: join(staged.dir, path), size: (await stat(join(staged.dir, path))).size })),
      );
      await plugin.restore!({ ...context(), files, to: restoreOf(t.fixture).to, force: false, only });
    };

    if (plugin.restore) {
      it('restores what it backed up', async () => {
        await setUp();
        const staged = await backUp();
        const { to, only = [], verify } = restoreOf(t.fixture);
        await restore(only, staged);
        await verify(to);
      });
    }

    if (plugin.restore && plugin.filesToRestore) {
      // Without filesToRestore the core refuses --only itself; with it, the plugin must.
      it('refuses to restore a part the backup does not have', async () => {
        await setUp();
        const staged = await backUp();
        const message = await failureOf(() => restore(['no-such-part-in-this-backup'], staged));
        t.errors.push(message);
        expect(message).toMatch(/\S/);
      });
    }

    if (plugin.describe) {
      it('describes itself in one line', async () => {
        await setUp();
        const text = plugin.describe!(parseOptions(plugin, t.fixture.options), (path) => join(t.harness.workDir, path));
        t.errors.push(text);
        expect(text).toMatch(/\S/);
        expect(text).not.toContain('\n');
      });
    }

    if (suite.broken) {
      it('fails with a clear one-line message when it cannot back up', async () => {
        await setUp(suite.broken);
        if (plugin.check && !t.fixture.onlyBackupFails) t.errors.push(await failureOf(() => plugin.check!(context())));
        const attempt = await attemptBackup();
        expect(attempt.error, 'the backup should have failed').toBeDefined();
        expect(attempt.changedOutside).toEqual([]);
        expectOneLineMessages(t.errors);
      });
    }
  });
}

function restoreOf(fixture: SourceFixture): NonNullable<SourceFixture['restore']> {
  if (!fixture.restore) throw new Error('the source can restore, so its fixture must say how to check a restore: { restore: { to, verify } }');
  return fixture.restore;
}
