import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  handleOf,
  pruneTarget,
  verifyBackup,
  type StagedRun,
  type StoredEntry,
  type Target,
  type TargetHandle,
} from '@pickup/core';
import { failureOf } from './harness.js';
import { expectOneLineMessages, itIsAPluginOfThisCore, perTest, type Awaitable, type FixtureBase } from './per-test.js';
import { awkwardRunFiles, stageRun } from './staged-run.js';

/** A place to store backups, made fresh and empty for one test. */
export type TargetFixture = FixtureBase;

export interface TargetSuite {
  /** Makes a new, empty place for backups (under `workDir` or on a test server) and returns the options for it. */
  setup(workDir: string): Awaitable<TargetFixture>;
  /** Options for a place that cannot be used (a missing folder, a wrong password). */
  broken?(workDir: string): Awaitable<TargetFixture>;
  /** Size of the big file in the staged runs, in bytes (default 3 MiB). */
  bigFile?: number;
}

/** Run ids on distinct days, oldest first: 2026-01-01 02:00 UTC, 2026-01-02... */
const day = (n: number) => new Date(Date.UTC(2026, 0, n, 2, 0, 0));

/**
 * The conformance suite every target plugin runs (vitest). It pushes runs staged as the core stages
 * them and checks the contract: a push is atomic (a push that fails midway leaves nothing that lists as
 * complete), list shows what was pushed, read gives back the same bytes, remove removes only that
 * backup, retention through the core keeps what it should, and no secret is ever shown.
 */
export function describeTarget(plugin: Target<any>, suite: TargetSuite): void {
  describe(`${plugin.name} keeps the target contract`, () => {
    const t = perTest<TargetFixture>();

    const setUp = (make = suite.setup) => t.setUp(make);
    const context = (signal?: AbortSignal) => t.harness.context(plugin, 'store', t.fixture.options, signal);
    const stage = (n: number) => stageRun(join(t.harness.workDir, 'staging'), awkwardRunFiles(suite.bigFile ?? 3 * 1024 * 1024), { time: day(n) });
    const push = (run: StagedRun, signal?: AbortSignal) => plugin.push({ ...context(signal), run });
    const list = () => plugin.list(context());
    const handle = (): TargetHandle => handleOf('store', plugin, context());
    /** What a push that failed left behind must never pass for a backup. */
    const completeEntries = async (runId: string): Promise<StoredEntry[]> => (await list()).filter((entry) => entry.runId === runId && entry.complete);
    const attemptPush = async (run: StagedRun, signal?: AbortSignal) => t.errors.push(await failureOf(() => push(run, signal)));

    /** Reads every file of the run back and checks it against the manifest; the manifest byte for byte. */
    const expectStoredWhole = async (run: StagedRun) => {
      const entries = await completeEntries(run.runId);
      expect(entries, `${run.runId} listed complete once`).toHaveLength(1);
      const id = entries[0]!.id;
      for (const file of run.files) {
        const read = await plugin.read({ ...context(), id, path: file.path });
        expect(await digest(read), `sha256 of ${file.path} read back`).toEqual({ size: file.size, sha256: file.sha256 });
      }
      const manifest = await collect(await plugin.read({ ...context(), id, path: run.manifestFile }));
      expect(manifest.equals(await readFile(join(run.dir, run.manifestFile))), 'the manifest reads back byte for byte').toBe(true);
      const stored = (await handle().list()).find((backup) => backup.id === id)!;
      expect(stored.damaged).toBeUndefined();
      const verified = await verifyBackup(handle(), stored, t.harness.log, new AbortController().signal);
      expect(verified.problems).toEqual([]);
    };

    itIsAPluginOfThisCore('target', plugin, t, setUp);

    if (plugin.check) {
      it('check passes when a push could run', async () => {
        await setUp();
        await plugin.check!(context());
      });
    }

    it('lists nothing while it holds nothing', async () => {
      await setUp();
      expect(await list()).toEqual([]);
    });

    it('stores a run whole: listed complete, every file read back as it was', async () => {
      await setUp();
      const run = await stage(1);
      await push(run);
      await expectStoredWhole(run);
    });

    it('reads a file the backup does not have as ENOENT', async () => {
      await setUp();
      const run = await stage(1);
      await push(run);
      const [entry] = await completeEntries(run.runId);
      const error = await caught(async () => collect(await plugin.read({ ...context(), id: entry!.id, path: 'www/no-such-file' })));
      expect((error as { code?: unknown } | undefined)?.code).toBe('ENOENT');
    });

    it('leaves nothing that lists as complete when a push fails midway, and takes the run again after', async () => {
      await setUp();
      const run = await stage(1);
      const second = join(run.dir, run.files[1]!.path);
      const bytes = await readFile(second);
      await rm(second); // the target fails to read it after it stored the first file
      await attemptPush(run);
      expect(await completeEntries(run.runId)).toEqual([]);
      await writeFile(second, bytes);
      await push(run);
      await expectStoredWhole(run);
    });

    it('leaves nothing that lists as complete when a push fails at the manifest', async () => {
      await setUp();
      const run = await stage(1);
      await rm(join(run.dir, run.manifestFile)); // every data file is there, the manifest cannot be read
      await attemptPush(run);
      expect(await completeEntries(run.runId)).toEqual([]);
    });

    it('stops an interrupted push with an error, leaving nothing complete', async () => {
      await setUp();
      const run = await stage(1);
      const controller = new AbortController();
      controller.abort();
      await attemptPush(run, controller.signal);
      expect(await completeEntries(run.runId)).toEqual([]);
    });

    it('removes one backup and leaves the others whole', async () => {
      await setUp();
      const older = await stage(1);
      const newer = await stage(2); // other random bytes; files with the same content are tried below
      await push(older);
      await push(newer);
      const again = await stageRun(join(t.harness.workDir, 'staging'), await filesOf(newer), { time: day(3) }); // identical to `newer`
      await push(again);
      const [entry] = await completeEntries(newer.runId);
      await plugin.remove({ ...context(), id: entry!.id });
      expect((await list()).filter((stored) => stored.complete).map((stored) => stored.runId).sort()).toEqual([older.runId, again.runId]);
      await expectStoredWhole(older);
      await expectStoredWhole(again);
    });

    it('keeps what retention through the core keeps', async () => {
      await setUp();
      const failed = await stage(1);
      await rm(join(failed.dir, failed.files[1]!.path));
      await attemptPush(failed); // whatever it left behind is older than the complete backups
      const runs: StagedRun[] = [];
      for (const n of [2, 3, 4, 5]) {
        runs.push(await stage(n));
        await push(runs.at(-1)!);
      }
      const result = await pruneTarget(handle(), { keepLast: 2 }, t.harness.log);
      expect(result.kept).toBe(2);
      expect((await list()).map((stored) => `${stored.runId}${stored.complete ? '' : ' (incomplete)'}`).sort()).toEqual([runs[2]!.runId, runs[3]!.runId]);
      await expectStoredWhole(runs[3]!);
    });

    if (suite.broken) {
      it('fails with a clear one-line message when it cannot store', async () => {
        await setUp(suite.broken);
        if (plugin.check) t.errors.push(await failureOf(() => plugin.check!(context())));
        await attemptPush(await stage(1));
        expectOneLineMessages(t.errors);
      });
    }
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function digest(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function caught(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The data files of a staged run, for staging the same content again. */
async function filesOf(run: StagedRun): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const file of run.files) files[file.path] = await readFile(join(run.dir, file.path));
  return files;
}
