import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  handleOf,
  messageOf,
  verifyBackup,
  type PluginContext,
  type StagedRun,
  type StoredEntry,
  type Target,
  type TargetHandle,
} from '@pickup/core';
import { ChildCall, moduleUrl } from './child-call.js';
import { plantedSecret, type Awaitable, type FixtureBase, type PerTest } from './per-test.js';
import { awkwardRunFiles, stageRun, type StagedContent } from './staged-run.js';

/** A place to store backups, made fresh and empty for one test. */
export interface TargetFixture extends FixtureBase {
  /**
   * Every path or key the place holds below the folder or prefix the options name, sorted: for a folder,
   * the relative paths of its files and folders (`pathsUnder`); for a bucket, the keys under the prefix
   * (and unfinished uploads). Read from outside the plugin (the server's folder on this machine, an admin
   * client); `[]` for a place that is not there yet. The suite watches it to cut pushes and removals
   * midway, and checks that check, removals and retention leave nothing behind.
   */
  contents(): Awaitable<string[]>;
  /**
   * For a shared store (a target with `reclaim`): how much it holds that no backup it lists uses (blobs,
   * objects: any count), measured from outside the plugin (restic: `restic prune --dry-run`). After a
   * retention pass or `reclaim` it must be 0. Required for such a target.
   */
  unused?(): Awaitable<number>;
  /**
   * For a store several hosts share (a target with `hosts`): a fixture for the same store as host `host`
   * configures it (the same folder, bucket or repository; that host's options), whose `contents()` is
   * what that host's part of the store holds. Required when these options name such a store.
   */
  forHost?(host: string): Awaitable<TargetFixture>;
}

export interface TargetSuite {
  /**
   * The built module whose default export is the plugin, loadable by plain Node: a path or file URL of
   * compiled JS (`new URL('../dist/index.js', import.meta.url)`). The suite runs pushes and removals in
   * child processes through it, to pause (SIGSTOP) and kill (SIGKILL) them midway.
   */
  module: string | URL;
  /** Makes a new, empty place for backups (under `workDir` or on a test server) and returns the options for it. */
  setup(workDir: string): Awaitable<TargetFixture>;
  /** Options for a place that cannot be used (a missing folder, a wrong password). */
  broken?(workDir: string): Awaitable<TargetFixture>;
  /** Size of the big file in the staged runs, in bytes (default 3 MiB). */
  bigFile?: number;
}

export interface StageOptions {
  /** The five files of `awkwardRunFiles` (names targets trip over, an empty file); default three: `www`, `db` and the big file. */
  awkward?: boolean;
  /** Small files added to the run (`fill/0001`...): more steps for a push or a removal, to cut it midway. */
  filler?: number;
  /** Where to stage (default `<workDir>/staging`); another folder stages a second run of the same id. */
  root?: string;
  bigFile?: number;
}

/** What the target suite's tests share: the plugin called as the core calls it, and checks of what it stores. */
export interface TargetTests {
  // biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
  readonly plugin: Target<any>;
  readonly t: PerTest<TargetFixture>;
  setUp(make?: (workDir: string) => Awaitable<TargetFixture>): Promise<TargetFixture>;
  context(signal?: AbortSignal): PluginContext<unknown>;
  /** A call's context with other options: another host's. */
  contextFor(options: unknown, signal?: AbortSignal): PluginContext<unknown>;
  /** A run staged as the core stages it, with an id on day `n` of January 2026 (a later day is a later run). */
  stage(n: number, options?: StageOptions): Promise<StagedRun>;
  push(run: StagedRun, signal?: AbortSignal): Promise<unknown>;
  /** A push that must fail; its message is kept, to be checked for secrets. */
  attemptPush(run: StagedRun, signal?: AbortSignal): Promise<void>;
  list(): Promise<StoredEntry[]>;
  handle(): TargetHandle;
  contents(): Promise<string[]>;
  /** What lists as a complete backup of `runId`: after a failed or cut push, it must be nothing (or a whole backup). */
  completeEntries(runId: string): Promise<StoredEntry[]>;
  /** Each run listed complete once, under its run id, with the manifest as staged and every file as its manifest says. */
  expectStoredWhole(...runs: StagedRun[]): Promise<void>;
  /** Whether the target is a shared store (it has `reclaim`): what a cut push wrote is no entry of a run, but unused data. */
  readonly shared: boolean;
  /**
   * What the place holds is the backups `runIds` and nothing else: for a shared store, once reclaimed,
   * nothing unused; for others, no entry but theirs.
   */
  expectOnlyBackups(runIds: readonly string[], what: string): Promise<void>;
  /** How many filler files the last push and removal cut midway had: where the next cut of that kind starts. */
  fillerThatCuts: { push?: number; removal?: number };
  /** A process for a push or a removal through `suite.module`, started ahead: `run()` gives it its call (with `options`, another host's). */
  prepareChild(options?: unknown): PreparedChild;
}

/** A child process that has loaded the plugin, waiting for its call. */
export interface PreparedChild {
  run(call: { push: StagedRun } | { remove: string }): ChildCall;
}

/** Run ids on distinct days, oldest first: 2026-01-01 02:00 UTC, 2026-01-02... */
export const day = (n: number) => new Date(Date.UTC(2026, 0, n, 2, 0, 0));

// biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
export function targetTests(plugin: Target<any>, suite: TargetSuite, t: PerTest<TargetFixture>): TargetTests {
  const contextFor = (options: unknown, signal?: AbortSignal) =>
    t.harness.context<unknown>(plugin, 'store', options, signal);
  const context = (signal?: AbortSignal) => contextFor(t.fixture.options, signal);
  const handle = (): TargetHandle => handleOf('store', plugin, context());
  const list = () => plugin.list(context());
  const shared = plugin.reclaim !== undefined;
  const tests: TargetTests = {
    plugin,
    shared,
    async expectOnlyBackups(runIds, what) {
      if (!shared) {
        expect(strays(await tests.contents(), runIds), what).toEqual([]);
        return;
      }
      if (!t.fixture.unused) expect.fail("a shared store's fixture must say what it holds unused: give it unused()");
      await plugin.reclaim!(context());
      expect(await t.fixture.unused(), `${what}: data no backup uses, once reclaimed`).toBe(0);
    },
    fillerThatCuts: {},
    t,
    setUp: (make = suite.setup) => t.setUp(make),
    context,
    contextFor,
    async stage(
      n,
      {
        awkward = false,
        filler = 0,
        root = join(t.harness.workDir, 'staging'),
        bigFile = suite.bigFile ?? 3 * 1024 * 1024,
      } = {},
    ) {
      const all = awkwardRunFiles(bigFile);
      const files: Record<string, StagedContent> = {
        ...(awkward ? all : { 'www/www.tar.gz': all['www/www.tar.gz']!, 'big/big.bin': all['big/big.bin']! }),
        // The suite's own secret, in data a target must store and never show.
        'db/Ünïcödé näme with spaces.sql.gz': `CREATE TABLE t (x int); -- ${plantedSecret}\n`,
      };
      for (let i = 1; i <= filler; i++) files[`fill/${String(i).padStart(4, '0')}`] = randomBytes(256);
      return stageRun(root, files, { time: day(n) });
    },
    push: (run, signal) => plugin.push({ ...context(signal), run }),
    async attemptPush(run, signal) {
      try {
        await tests.push(run, signal);
      } catch (error) {
        t.errors.push(messageOf(error));
        return;
      }
      expect.fail(`the push of ${run.runId} succeeded; it had to fail`);
    },
    list,
    handle,
    contents: async () => [...(await t.fixture.contents())].sort(),
    completeEntries: async (runId) => (await list()).filter((entry) => entry.runId === runId && entry.complete),
    async expectStoredWhole(...runs) {
      const stored = await handle().list();
      for (const run of runs) {
        const found = stored.filter((backup) => backup.runId === run.runId && backup.complete);
        expect(
          found.map((backup) => backup.id),
          `${run.runId} listed complete once, under its run id`,
        ).toEqual([run.runId]);
        const backup = found[0]!;
        expect(backup.damaged, `the manifest of ${run.runId} reads back`).toBeUndefined();
        expect(backup.manifest, `the manifest of ${run.runId} reads back as it was staged`).toEqual(run.manifest);
        const verified = await verifyBackup(handle(), backup, t.harness.log, new AbortController().signal);
        expect(verified.problems, `every file of ${run.runId} reads back with its size and sha256`).toEqual([]);
      }
    },
    prepareChild(options = t.fixture.options) {
      const child = ChildCall.prepare(moduleUrl(suite.module), (line) => t.harness.lines.push(line));
      children.add(child);
      const job = { options, workDir: t.harness.workDir, name: 'store' };
      return {
        run(call) {
          child.run(
            'push' in call ? { ...job, call: 'push', run: call.push } : { ...job, call: 'remove', id: call.remove },
          );
          return child;
        },
      };
    },
  };
  return tests;
}

/**
 * The entries of `contents` that belong to none of the backups `runIds`: entries that name none of them
 * and are no folder above one that does. What a place may hold besides those backups: nothing.
 */
export function strays(contents: readonly string[], runIds: readonly string[]): string[] {
  const ours = contents.filter((path) => runIds.some((id) => path.includes(id)));
  return contents.filter((path) => !ours.some((own) => own === path || own.startsWith(`${path}/`)));
}

/** Child processes still running after a test: killed by `endChildren` (a failed test leaves no push going on). */
const children = new Set<ChildCall>();

export async function endChildren(): Promise<void> {
  for (const child of children) await child.kill();
  children.clear();
}
