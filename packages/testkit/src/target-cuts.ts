import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { messageOf, pruneTarget, type StagedRun } from '@pickup/core';
import type { ChildOutcome } from './child-call.js';
import type { TargetFixture, TargetTests } from './target-tests.js';

/**
 * Pushes and removals cut off midway, as a kill -9, a power cut or Ctrl-C leaves them. "Midway" is
 * observed, not timed: the suite watches the place (`contents()`) and cuts when it has changed. A call
 * that ended between two looks was not cut midway: it is tried again, on a run with more files (more
 * steps); a test fails if no try was cut midway.
 */

/** Each of these tests runs a few calls in child processes: more than vitest's default 5 s on a server. */
export const CUT_TEST_TIMEOUT_MS = 120_000;
/**
 * Extra small files in the staged run, try after try. A removal may be a step or two however many files
 * (a manifest, then one request for the rest): it is tried again as it is before it grows.
 */
const FILLER_STEPS = { push: [0, 40, 160, 640], removal: [0, 0, 40, 160] };
/**
 * A shared store's removal is as many steps whatever the backup holds (its data stays until reclaim):
 * it is tried again as it is.
 */
const SHARED_REMOVAL_STEPS = [0, 0, 0, 0];
/** After a kill, the place is looked at until it holds still for this long: a request already sent may still land. */
const SETTLE_MS = 150;
/** How long a push may take to reject once its signal aborts: a tool it runs gets SIGTERM, then SIGKILL 5 s later. */
export const PUSH_STOPS_WITHIN_MS = 10_000;

interface PushPoint {
  name: string;
  /** Whether the push is there, by the entries that appeared since it began (`fresh`) and its files, manifest included (`files`). */
  reached(fresh: number, files: number): boolean;
}

const PUSH_POINTS: PushPoint[] = [
  { name: 'as soon as it has stored something', reached: (fresh) => fresh >= 1 },
  { name: 'half way', reached: (fresh, files) => fresh >= files / 2 },
];

interface RemovalPoint {
  name: string;
  /** Whether the removal is there, by what the place holds now and held before it began. */
  reached(entries: readonly string[], whole: readonly string[]): boolean;
}

const REMOVAL_POINTS: RemovalPoint[] = [
  { name: 'as soon as it has changed something', reached: (entries, whole) => !sameEntries(entries, whole) },
  { name: 'once it has deleted something', reached: (entries, whole) => entries.length < whole.length },
];

/** The tests of pushes that are interrupted, paused and killed midway. */
export function describeCutPushes(k: TargetTests): void {
  const { t, setUp, stage, push, list, contents, completeEntries, expectStoredWhole } = k;

  const timeout = { timeout: CUT_TEST_TIMEOUT_MS };

  it('stops promptly with an error when interrupted midway, leaving nothing complete', timeout, async () => {
    await setUp();
    let n = 0;
    const interrupted = await cutMidway(k, 'push', async (filler) => {
      const run = await stage(++n, { filler });
      const before = new Set(await contents());
      const controller = new AbortController();
      let ended = false;
      const pushing = push(run, controller.signal)
        .then(
          () => undefined,
          (error: unknown) => error ?? new Error('rejected'),
        )
        .finally(() => (ended = true));
      const at = await watch(
        contents,
        (entries) => fresh(entries, before) >= 1,
        () => ended,
      );
      if (!at) {
        const error = await pushing;
        if (error === undefined) return false; // done before anything showed: not cut
        t.errors.push(messageOf(error));
        expect.fail(`the push failed on its own before it could be interrupted: ${messageOf(error)}`);
      }
      controller.abort();
      const aborted = performance.now();
      const error = await pushing;
      const took = performance.now() - aborted;
      if (error === undefined) {
        // Only a push in its last steps when the abort came may still finish: one with most of it to go must stop.
        const files = filesOf(run);
        if (fresh(at, before) < files / 2) {
          const seen = `${fresh(at, before)} new entries of about ${files}`;
          expect.fail(
            `the push went on to the end after it was interrupted with most of it to go (${seen}); it must stop with an error`,
          );
        }
        await expectStoredWhole(run);
        return false;
      }
      t.errors.push(messageOf(error));
      expect(took, 'milliseconds from the abort to the rejection').toBeLessThan(PUSH_STOPS_WITHIN_MS);
      expect(await completeEntries(run.runId), 'what lists complete after the interrupted push').toEqual([]);
      // Stopped: nothing goes on writing, and what it wrote is removed (a shared store's: unused, reclaimed).
      const after = await settled(contents);
      if (k.shared)
        await k.expectOnlyBackups(
          (await list()).filter((entry) => entry.complete).map((entry) => entry.runId),
          'what the place holds once the interrupted push has rejected',
        );
      else expect(after, 'what the place holds once the interrupted push has rejected').toEqual([...before].sort());
      return true;
    });
    if (!interrupted) failUncut('an interrupted push', 'push');
  });

  it(
    'shows nothing complete while a push is paused midway, and stores the run whole once it goes on',
    timeout,
    async () => {
      await setUp();
      let n = 0;
      const paused = await cutMidway(k, 'push', async (filler) => {
        const prepared = k.prepareChild();
        const run = await stage(++n, { filler });
        const before = new Set(await contents());
        const child = prepared.run({ push: run });
        await child.started;
        let looked = 0;
        for (const point of PUSH_POINTS) {
          const at = await watch(
            contents,
            (entries) => point.reached(fresh(entries, before), filesOf(run)),
            () => !child.running,
          );
          if (!at) break;
          child.pause();
          // From another process, as `pickup list` or a prune would look meanwhile.
          if ((await completeEntries(run.runId)).length > 0) {
            await expectStoredWhole(run); // it had finished: whole, or the push was not atomic
            child.resume();
            break;
          }
          const listed = (await list()).filter((entry) => entry.runId === run.runId);
          // A shared store's push under way has written data of no backup yet: nothing to list.
          if (!k.shared)
            expect(
              listed.map((entry) => entry.complete),
              `what the push paused ${point.name} has stored, as list shows it`,
            ).toContain(false);
          looked++;
          child.resume();
        }
        expectDone(await child.ended, t.errors, 'the paused push');
        await expectStoredWhole(run);
        return looked > 0;
      });
      if (!paused) failUncut('a paused push', 'push');
    },
  );

  const killedPush =
    'leaves nothing complete when a push is killed, lists what it left as incomplete, and retention through the core clears it';
  it(killedPush, timeout, async () => {
    await setUp();
    let n = 0;
    for (const point of PUSH_POINTS) {
      const killed = await cutMidway(k, 'push', async (filler) => {
        const prepared = k.prepareChild();
        const run = await stage(++n, { filler });
        const before = new Set(await contents());
        const child = prepared.run({ push: run });
        await child.started;
        const at = await watch(
          contents,
          (entries) => point.reached(fresh(entries, before), filesOf(run)),
          () => !child.running,
        );
        await child.kill();
        if (!at) return finishedOnItsOwn(await child.ended, t.errors);
        const after = await settled(contents);
        if ((await completeEntries(run.runId)).length > 0) {
          await expectStoredWhole(run); // it had finished just before: whole, or the push was not atomic
          return false;
        }
        if (!k.shared && after.some((entry) => !before.has(entry))) {
          const listed = (await list()).filter((entry) => entry.runId === run.runId);
          expect(
            listed.map((entry) => entry.complete),
            `what the push killed ${point.name} left, as list shows it`,
          ).toContain(false);
        }
        return true;
      });
      if (!killed) failUncut(`a push killed ${point.name}`, 'push');
    }
    const next = await stage(n + 1); // newer than every killed one: retention removes what they left
    await push(next);
    await pruneTarget(k.handle(), { keepLast: 1 }, t.harness.log);
    await k.expectOnlyBackups([next.runId], 'what the place holds besides the next backup, after retention');
    await expectStoredWhole(next);
  });
}

/** The test of removals killed midway. */
export function describeCutRemovals(k: TargetTests): void {
  const { t, plugin, setUp, stage, push, list, contents, completeEntries, expectStoredWhole } = k;

  const killedRemoval =
    'leaves every backup that lists as complete whole when a removal is killed, and retention through the core clears what it left';
  it(killedRemoval, { timeout: CUT_TEST_TIMEOUT_MS }, async () => {
    await setUp();
    const last = await stage(40); // newer than every removal cut off: retention removes what they left
    await push(last);
    let n = 0;
    const cut: string[] = [];
    for (const point of REMOVAL_POINTS) {
      const killed = await cutMidway(k, 'removal', async (filler) => {
        const prepared = k.prepareChild();
        const doomed = await stage(++n, { filler });
        const before = await contents();
        await push(doomed);
        const whole = await contents();
        const child = prepared.run({ remove: doomed.runId });
        await child.started;
        const at = await watch(
          contents,
          (entries) => point.reached(entries, whole),
          () => !child.running,
        );
        await child.kill();
        if (!at) return finishedOnItsOwn(await child.ended, t.errors);
        // A step the target's server had begun may still end after the kill (a request sent, a remote command).
        const after = await settled(contents);
        if ((await completeEntries(doomed.runId)).length > 0) {
          // Not begun as far as list tells (it changed something else first): then it must be whole.
          await expectStoredWhole(doomed);
          await plugin.remove({ ...k.context(), id: doomed.runId });
          return false;
        }
        if (!k.shared && !sameEntries(after, before)) {
          const listed = (await list()).filter((entry) => entry.runId === doomed.runId);
          expect(
            listed.map((entry) => entry.complete),
            `what the removal killed ${point.name} left, as list shows it`,
          ).toContain(false);
        }
        return !sameEntries(at, before); // killed while it was seen midway, not after it had removed it all
      });
      if (killed) cut.push(point.name);
    }
    // One quick step may remove the rest (one request for many objects): not every point can be caught.
    if (cut.length === 0) failUncut('a removal killed midway', 'removal');
    await pruneTarget(k.handle(), { keepLast: 1 }, t.harness.log);
    await k.expectOnlyBackups([last.runId], 'what the place holds besides the other backup, after retention');
    await expectStoredWhole(last);
  });
}

/**
 * Pushes a run of `fixture` (another host's) in a child process and kills it as soon as something of it
 * is there, on runs with more files try after try: the run it cut, or undefined if every push ended
 * between two looks at the fixture's contents().
 */
export async function killedPush(
  k: TargetTests,
  fixture: TargetFixture,
  stage: (filler: number) => Promise<StagedRun>,
): Promise<StagedRun | undefined> {
  const contents = async () => [...(await fixture.contents())].sort();
  let cut: StagedRun | undefined;
  await cutMidway(k, 'push', async (filler) => {
    const prepared = k.prepareChild(fixture.options);
    const run = await stage(filler);
    const before = new Set(await contents());
    const child = prepared.run({ push: run });
    await child.started;
    const at = await watch(
      contents,
      (entries) => fresh(entries, before) >= 1,
      () => !child.running,
    );
    await child.kill();
    if (!at) return finishedOnItsOwn(await child.ended, k.t.errors);
    await settled(contents);
    const listed = await k.plugin.list(k.contextFor(fixture.options));
    if (listed.some((entry) => entry.runId === run.runId && entry.complete)) return false; // it had just finished
    cut = run;
    return true;
  });
  return cut;
}

/**
 * Tries `attempt` on runs with more and more files until it says it cut midway: true then. Each call
 * that ended between two looks at the place is a try that did not count. The next cut of the same kind
 * starts with as many files as the last one that worked.
 */
async function cutMidway(
  k: TargetTests,
  kind: 'push' | 'removal',
  attempt: (filler: number) => Promise<boolean>,
): Promise<boolean> {
  const steps = k.shared && kind === 'removal' ? SHARED_REMOVAL_STEPS : FILLER_STEPS[kind];
  for (const filler of steps.filter((count) => count >= (k.fillerThatCuts[kind] ?? 0))) {
    if (await attempt(filler)) {
      k.fillerThatCuts[kind] = filler;
      return true;
    }
  }
  return false;
}

function failUncut(what: string, kind: 'push' | 'removal'): never {
  expect.fail(
    `${what}: no try was cut midway, even with ${FILLER_STEPS[kind].at(-1)} more files: ` +
      "each ended between two looks at the fixture's contents() (does it show what the place holds?)",
  );
}

/** The place once it holds still after a kill (at most a few seconds). */
async function settled(contents: () => Promise<string[]>): Promise<string[]> {
  let last = await contents();
  for (let looks = 0; looks < 20; looks++) {
    await sleep(SETTLE_MS);
    const now = await contents();
    if (sameEntries(now, last)) return now;
    last = now;
  }
  return last;
}

/** Looks at the place again and again until `reached`; undefined if the call ended first. */
async function watch(
  contents: () => Promise<string[]>,
  reached: (entries: string[]) => boolean,
  ended: () => boolean,
): Promise<string[] | undefined> {
  while (!ended()) {
    const entries = await contents();
    if (reached(entries)) return entries;
    await nextTurn();
  }
  return undefined;
}

/** A call that ended before the point: fine if it did its work (not cut: try again), a failure if it failed. */
function finishedOnItsOwn(outcome: ChildOutcome, errors: string[]): false {
  if (outcome.status === 'failed') {
    errors.push(outcome.message);
    expect.fail(`it failed on its own before it could be cut: ${outcome.message}`);
  }
  return false;
}

function expectDone(outcome: ChildOutcome, errors: string[], what: string): void {
  if (outcome.status === 'failed') {
    errors.push(outcome.message);
    expect.fail(`${what} failed: ${outcome.message}`);
  }
  expect(outcome.status, `how ${what} ended`).toBe('done');
}

/** How many of `entries` were not there before. */
function fresh(entries: readonly string[], before: ReadonlySet<string>): number {
  return entries.filter((entry) => !before.has(entry)).length;
}

/** The files a push stores, its manifest included. */
function filesOf(run: StagedRun): number {
  return run.files.length + 1;
}

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry === b[index]);
}
