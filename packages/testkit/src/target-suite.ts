import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneTarget, type StagedRun, type Target } from '@pickup/core';
import { failureOf, parseOptions } from './harness.js';
import { expectOneLineMessages, itIsAPluginOfThisCore, perTest } from './per-test.js';
import { caught, collect } from './read-back.js';
import { stageRun } from './staged-run.js';
import { describeCutPushes, describeCutRemovals } from './target-cuts.js';
import { describeHosts } from './target-hosts.js';
import { day, endChildren, targetTests, type TargetFixture, type TargetSuite } from './target-tests.js';

export type { TargetFixture, TargetSuite } from './target-tests.js';

/**
 * The conformance suite every target plugin runs (vitest). It pushes runs staged as the core stages
 * them and checks the contract by what the target then holds and lists, seen from outside the plugin
 * too (the fixture's `contents()`): a push is atomic, observed by pausing and killing pushes midway in a
 * child process; it never overwrites a complete backup and stops promptly when interrupted; list shows
 * what pushes and removals that did not finish left; read gives back each backup's own bytes; remove
 * removes only that backup and, cut off, leaves nothing that lists complete with data missing; check
 * and retention through the core leave nothing behind; no secret is ever shown. A target with `hosts`
 * shows each host of a shared store its own backups and bytes, and only reads.
 */
// biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
export function describeTarget(plugin: Target<any>, suite: TargetSuite): void {
  describe(`${plugin.name} keeps the target contract`, () => {
    const t = perTest<TargetFixture>();
    afterEach(endChildren);
    const k = targetTests(plugin, suite, t);
    const { setUp, stage, push, attemptPush, list, contents, completeEntries, expectStoredWhole } = k;
    /** After a failed push of a new place: it holds nothing (a shared store: nothing unused, no backup). */
    const expectNothingFrom = async (run: StagedRun, what: string) => {
      if (k.shared) await k.expectOnlyBackups([], what);
      else expect(await contents(), what).toEqual([]);
      expect(
        (await list()).filter((entry) => entry.runId === run.runId && entry.complete),
        what,
      ).toEqual([]);
    };

    itIsAPluginOfThisCore('target', plugin, t, () => setUp());

    if (plugin.check) {
      it('check passes when a push could run, and leaves nothing behind', async () => {
        await setUp();
        const before = await contents();
        await plugin.check!(k.context());
        expect(await contents(), 'what the place holds after check').toEqual(before);
      });
    }

    it('lists nothing while it holds nothing', async () => {
      await setUp();
      expect(await contents(), "the fixture's contents() of a new place").toEqual([]);
      expect(await list()).toEqual([]);
    });

    it('stores each run whole: listed complete under its run id, every file read back from its own backup', async () => {
      await setUp();
      const first = await stage(1, { awkward: true });
      await push(first);
      expect(await contents(), "the fixture's contents() once a backup is there").not.toEqual([]);
      const second = await stage(2, { awkward: true }); // the same paths, other bytes: each backup must give its own
      await push(second);
      await expectStoredWhole(first, second);
    });

    it('reads a file the backup does not have as ENOENT', async () => {
      await setUp();
      const run = await stage(1);
      await push(run);
      const error = await caught(async () =>
        collect(await plugin.read({ ...k.context(), id: run.runId, path: 'www/no-such-file' })),
      );
      expect((error as { code?: unknown } | undefined)?.code).toBe('ENOENT');
    });

    it('gives a file whole to a reader that takes its time', async () => {
      await setUp();
      const run = await stage(1);
      await push(run);
      const big = run.files.find((file) => file.path === 'big/big.bin')!;
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await plugin.read({ ...k.context(), id: run.runId, path: big.path })) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        await sleep(1); // as a restore writing to a slow disk: the target must wait for it, not drop what it holds
      }
      expect({ size, sha256: hash.digest('hex') }, `${big.path} read slowly`).toEqual({
        size: big.size,
        sha256: big.sha256,
      });
    });

    it('refuses to overwrite a complete backup of the same run, which stays whole', async () => {
      await setUp();
      const run = await stage(1);
      await push(run);
      // The same run id staged again with other bytes: a run pushed twice, or two hosts sharing a place.
      const again = await stage(1, { root: join(t.harness.workDir, 'staging-again'), bigFile: 1024 });
      await attemptPush(again);
      await expectStoredWhole(run);
    });

    it('leaves nothing that lists as complete when a push fails midway, removes what it wrote, and takes the run again after', async () => {
      await setUp();
      const run = await stage(1);
      const second = join(run.dir, run.files[1]!.path);
      const bytes = await readFile(second);
      await rm(second); // the target fails to read it after it stored the first file
      await attemptPush(run);
      expect(await completeEntries(run.runId)).toEqual([]);
      await expectNothingFrom(run, 'what the place holds after the failed push');
      await writeFile(second, bytes);
      await push(run);
      await expectStoredWhole(run);
    });

    it('leaves nothing that lists as complete when a push fails at the manifest, and removes what it wrote', async () => {
      await setUp();
      const run = await stage(1);
      await rm(join(run.dir, run.manifestFile)); // every data file is there, the manifest cannot be read
      await attemptPush(run);
      expect(await completeEntries(run.runId)).toEqual([]);
      await expectNothingFrom(run, 'what the place holds after the failed push');
    });

    it('stops an interrupted push with an error, leaving nothing complete', async () => {
      await setUp();
      const run = await stage(1);
      const controller = new AbortController();
      controller.abort();
      await attemptPush(run, controller.signal);
      expect(await completeEntries(run.runId)).toEqual([]);
    });

    describeCutPushes(k);

    it('removes one backup and leaves the others whole', async () => {
      await setUp();
      const older = await stage(1);
      const newer = await stage(2); // other random bytes; files with the same content are tried below
      await push(older);
      await push(newer);
      const again = await stageRun(join(t.harness.workDir, 'staging'), await filesOf(newer), { time: day(3) }); // identical to `newer`
      await push(again);
      const [entry] = await completeEntries(newer.runId);
      await plugin.remove({ ...k.context(), id: entry!.id });
      expect(
        (await list())
          .filter((stored) => stored.complete)
          .map((stored) => stored.runId)
          .sort(),
      ).toEqual([older.runId, again.runId]);
      expect(
        (await contents()).filter((path) => path.includes(newer.runId)),
        'what is left of the removed backup',
      ).toEqual([]);
      // A shared store reclaims the removed backup's data now: the others must stay whole through it.
      if (k.shared)
        await k.expectOnlyBackups([older.runId, again.runId], 'what the place holds besides the backups left');
      await expectStoredWhole(older, again);
    });

    describeCutRemovals(k);

    it('keeps what retention through the core keeps, and leaves nothing of the rest', async () => {
      await setUp();
      const failed = await stage(1);
      await rm(join(failed.dir, failed.files[1]!.path));
      await attemptPush(failed); // whatever it left behind is older than the complete backups
      const runs: StagedRun[] = [];
      for (const n of [2, 3, 4]) {
        runs.push(await stage(n));
        await push(runs.at(-1)!);
      }
      const kept = [runs[1]!.runId, runs[2]!.runId];
      const result = await pruneTarget(k.handle(), { keepLast: 2 }, t.harness.log);
      expect(result.kept).toBe(2);
      expect((await list()).map((stored) => `${stored.runId}${stored.complete ? '' : ' (incomplete)'}`).sort()).toEqual(
        kept,
      );
      await k.expectOnlyBackups(kept, 'what the place holds besides the kept backups');
      await expectStoredWhole(runs[1]!, runs[2]!);
    });

    if (plugin.describe) {
      it('describes itself in one line', async () => {
        await setUp();
        const text = plugin.describe!(parseOptions(plugin, t.fixture.options), k.context().resolvePath);
        t.errors.push(text); // checked for secrets after the test
        expectOneLineMessages([text]);
      });
    }

    if (suite.broken) {
      it('fails with a clear one-line message when it cannot store', async () => {
        await setUp(suite.broken);
        const before = await contents();
        if (plugin.check) t.errors.push(await failureOf(() => plugin.check!(k.context())));
        await attemptPush(await stage(1));
        expectOneLineMessages(t.errors);
        expect(await contents(), 'what the place holds after the failed push').toEqual(before);
      });
    }

    if (plugin.hosts) describeHosts(k);
  });
}

/** The data files of a staged run, for staging the same content again. */
async function filesOf(run: StagedRun): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const file of run.files) files[file.path] = await readFile(join(run.dir, file.path));
  return files;
}
