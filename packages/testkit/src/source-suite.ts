import { mkdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RestoreFile, Source } from '@pickup/core';
import { failureOf, parseOptions } from './harness.js';
import { STOP_WITHIN_MS, untilWellUnderWay, within } from './interrupt.js';
import { expectNone, expectOneLineMessages, itIsAPluginOfThisCore, perTest } from './per-test.js';
import { describeDrill } from './source-drill.js';
import type { SourceFixture, SourceSuite } from './source-fixture.js';
import {
  differences,
  finishBackup,
  listing,
  startBackup,
  type AttemptSetting,
  type BackupAttempt,
  type StartedBackup,
} from './source-attempt.js';
import { changesAround, describeChanges, lookAround, TEMP } from './surroundings.js';
import { compareTrees, snapshotTree } from './tree.js';

/**
 * The conformance suite every source plugin runs (vitest). It calls the plugin as the core does and
 * checks the contract, not the implementation: a backup writes only into its own folder, leaves only
 * regular files there, changes nothing it backs up, stops promptly when interrupted, fails when it made
 * nothing and warns for a part it left out; check writes nothing; a restore writes only into its
 * destination, refuses a full one without force and a part the backup lacks; a drill restores into
 * scratch space only, fails when the copy differs from the backup's facts and leaves no scratch database;
 * no secret is ever shown.
 */
// biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
export function describeSource(plugin: Source<any>, suite: SourceSuite): void {
  const name = suite.name ?? 'data';

  describe(`${plugin.name} keeps the source contract`, () => {
    const t = perTest<SourceFixture>();
    usePrivateTempFolder(() => t.harness.workDir);

    const setUp = (make = suite.setup) => t.setUp(make);
    const context = (signal?: AbortSignal) => t.harness.context(plugin, name, t.fixture.options, signal);
    const setting = (run?: string): AttemptSetting => ({
      harness: t.harness,
      source: plugin,
      name,
      options: t.fixture.options,
      fingerprint: t.fixture.fingerprint?.bind(t.fixture),
      run,
    });
    /** Its error and warnings are messages a user sees: checked for secrets after the test. */
    const finish = async (started: StartedBackup, error: string | undefined): Promise<BackupAttempt> => {
      if (error !== undefined) t.errors.push(error);
      t.errors.push(...started.warnings);
      return finishBackup(setting(), started, error);
    };
    const attemptBackup = async (run?: string): Promise<BackupAttempt> => {
      const started = await startBackup(setting(run));
      return finish(started, await started.outcome);
    };
    /** A backup into `staging/<run>` (default `run`), which must succeed. */
    const backUp = async (run?: string): Promise<BackupAttempt> => {
      const attempt = await attemptBackup(run);
      if (attempt.error !== undefined) throw new Error(`the backup failed: ${attempt.error}`);
      return attempt;
    };
    /** Everything but `own` (relative to the work folder), and the data the fixture fingerprints. */
    const lookAtAll = async (own?: string) => ({
      around: await lookAround(t.harness.workDir, own),
      data: await t.fixture.fingerprint?.(),
    });
    const expectUnchanged = async (before: Awaited<ReturnType<typeof lookAtAll>>, own?: string) => {
      const after = await lookAtAll(own);
      expectNone(
        describeChanges(await changesAround(after.around, before.around, own)),
        'changes outside where it may write',
      );
      expect(after.data, 'the data, by the fixture’s fingerprint').toEqual(before.data);
    };

    itIsAPluginOfThisCore('source', plugin, t, setUp);

    if (plugin.check) {
      it('check passes when a backup could run, and writes nothing', async () => {
        await setUp();
        const before = await lookAtAll();
        await plugin.check!(context());
        await expectUnchanged(before);
      });
    }

    it('backs up into its own folder only, leaving no temp files', async () => {
      await setUp();
      const staged = await backUp();
      expectNone(describeChanges({ ...staged.changes, rest: [] }), 'written outside its folder');
    });

    it('leaves what it backs up as it was', async () => {
      await setUp();
      const staged = await backUp();
      expectNone(staged.changes.rest, 'changes to what it backs up (or elsewhere in the work folder)');
      expect(staged.dataAfter, 'the data, by the fixture’s fingerprint').toEqual(staged.dataBefore);
    });

    it('stages regular files only, at least one, without warnings', async () => {
      await setUp();
      const staged = await backUp();
      expectNone(staged.oddEntries, 'entries that are not regular files or folders');
      expect(staged.files.length, 'files it left in its folder').toBeGreaterThan(0);
      expectNone(staged.warnings, 'warnings about sound data');
    });

    it('stops with an error when the run is interrupted before it begins, changing nothing outside its folder', async () => {
      await setUp();
      const controller = new AbortController();
      controller.abort(new Error('interrupted by the testkit'));
      const started = await startBackup(setting(), controller.signal);
      const settled = await within(started.outcome, STOP_WITHIN_MS);
      expect(settled, `still running ${STOP_WITHIN_MS / 1000} s after an abort before it began`).toBeDefined();
      const attempt = await finish(started, settled!.value);
      expectFailure(attempt.error, 'the backup of an interrupted run');
      expectNone(describeChanges(attempt.changes), 'changes outside its folder');
    });

    if (suite.slow) {
      it('stops promptly with an error when interrupted midway, leaving nothing running', async () => {
        await setUp(suite.slow);
        const controller = new AbortController();
        const started = await startBackup(setting(), controller.signal);
        if (!(await untilWellUnderWay(started.dir, started.settled))) {
          const error = await started.outcome;
          const how = error === undefined ? 'finished' : `failed (${error})`;
          throw new Error(`the slow fixture's backup ${how} before it could be interrupted; give suite.slow more data`);
        }
        controller.abort(new Error('interrupted by the testkit'));
        const settled = await within(started.outcome, STOP_WITHIN_MS);
        expect(settled, `still running ${STOP_WITHIN_MS / 1000} s after the abort`).toBeDefined();
        const attempt = await finish(started, settled!.value);
        expectFailure(attempt.error, 'the interrupted backup');
        // What it started has ended too: nothing more lands in its folder.
        await sleep(500);
        expectNone(differences(listing(started.dir), started.atSettling()), 'written into its folder after it failed');
        expectNone(describeChanges(attempt.changes), 'changes outside its folder');
        expect(attempt.dataAfter, 'the data, by the fixture’s fingerprint').toEqual(attempt.dataBefore);
        expectOneLineMessages(t.errors);
      });
    }

    if (suite.partial) {
      it('backs up what it can with a warning when a part cannot be backed up', async () => {
        await setUp(suite.partial);
        const attempt = await attemptBackup();
        expect(attempt.error, 'a part it could not back up is a warning, not a failure').toBeUndefined();
        expect(attempt.warnings.length, 'warnings').toBeGreaterThan(0);
        expectOneLineMessages(attempt.warnings);
        expectNone(attempt.oddEntries, 'entries that are not regular files or folders');
        expectNone(describeChanges(attempt.changes), 'changes outside its folder');
      });
    }

    if (suite.broken) {
      it('fails with a clear one-line message when it cannot back up', async () => {
        await setUp(suite.broken);
        if (plugin.check && !t.fixture.onlyBackupFails) t.errors.push(await failureOf(() => plugin.check!(context())));
        const attempt = await attemptBackup();
        expectFailure(attempt.error, 'the backup of the broken fixture');
        expectNone(describeChanges(attempt.changes), 'changes outside its folder');
        expectOneLineMessages(t.errors);
      });
    }

    /** Restores the staged backup as `pickup restore` would. */
    const restore = async (staged: BackupAttempt, { only, force }: { only: readonly string[]; force: boolean }) => {
      const paths = staged.files.map((file) => file.path);
      const wanted = plugin.filesToRestore ? plugin.filesToRestore(only, paths) : paths;
      const files: RestoreFile[] = await Promise.all(
        wanted.map(async (path) => ({
          path,
          localPath: join(staged.dir, path),
          size: (await stat(join(staged.dir, path))).size,
        })),
      );
      await plugin.restore!({ ...context(), files, to: restoreOf(t.fixture).to, force, only });
    };
    /** The destination's path relative to the work folder, when it is a folder in it. */
    const destination = () => insideOf(t.harness.workDir, restoreOf(t.fixture).to);

    if (plugin.restore) {
      it('restores what it backed up, writing nothing outside the destination', async () => {
        await setUp();
        const staged = await backUp();
        const { to, only = [], verify } = restoreOf(t.fixture);
        const before = await lookAtAll(destination());
        await restore(staged, { only, force: false });
        await verify(to);
        await expectUnchanged(before, destination());
      });

      it('refuses to restore into a destination that is not empty, unless forced', async () => {
        await setUp();
        const staged = await backUp();
        const { to, only = [], verify } = restoreOf(t.fixture);
        await restore(staged, { only, force: false });
        const own = destination();
        const filled = own === undefined ? undefined : await snapshotTree(join(t.harness.workDir, own));
        const message = await failureOf(() => restore(staged, { only, force: false }));
        t.errors.push(message);
        expectOneLineMessages([message]);
        if (filled)
          expectNone(
            await compareTrees(join(t.harness.workDir, own!), filled),
            'the destination after the refused restore',
          );
        await verify(to);
        await restore(staged, { only, force: true });
        await verify(to);
      });
    }

    if (plugin.restore && plugin.filesToRestore) {
      // Without filesToRestore the core refuses --only itself; with it, the plugin must.
      it('refuses to restore a part the backup does not have', async () => {
        await setUp();
        const staged = await backUp();
        const message = await failureOf(() => restore(staged, { only: ['no-such-part-in-this-backup'], force: false }));
        t.errors.push(message);
        expectOneLineMessages([message]);
      });
    }

    if (plugin.drill) describeDrill({ plugin, suite, t, setUp, context, backUp, lookAtAll, expectUnchanged });

    if (plugin.describe) {
      it('describes itself in one line', async () => {
        await setUp();
        const text = plugin.describe!(parseOptions(plugin, t.fixture.options), (path) => join(t.harness.workDir, path));
        t.errors.push(text);
        expectOneLineMessages([text]);
      });
    }
  });
}

/**
 * Points TMPDIR at a folder of the work folder for each test, so that the suite sees what a plugin (or
 * a program it runs) leaves in the temp folder.
 */
function usePrivateTempFolder(workDir: () => string): void {
  let previous: string | undefined;
  beforeEach(async () => {
    previous = process.env.TMPDIR;
    await mkdir(join(workDir(), TEMP));
    process.env.TMPDIR = join(workDir(), TEMP);
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  });
}

/** Fails unless a backup failed, with a message. */
function expectFailure(error: string | undefined, what: string): void {
  expect(error === undefined ? 'it succeeded' : 'it failed', what).toBe('it failed');
  expect(error, `${what}: its message`).toMatch(/\S/);
}

/** `to` as a `/`-separated path relative to `workDir` when it is a folder below it (a database name is not). */
function insideOf(workDir: string, to: string): string | undefined {
  const path = relative(workDir, resolve(to));
  return path && !path.startsWith('..') && !isAbsolute(path) ? path.split(sep).join('/') : undefined;
}

function restoreOf(fixture: SourceFixture): NonNullable<SourceFixture['restore']> {
  if (!fixture.restore)
    throw new Error(
      'the source can restore, so its fixture must say how to check a restore: { restore: { to, verify } }',
    );
  return fixture.restore;
}
