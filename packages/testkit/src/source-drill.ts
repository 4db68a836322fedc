import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { messageOf, type PluginContext, type RestoreFile, type Source, type SourceFacts } from '@pickup/core';
import { failureOf } from './harness.js';
import { STOP_WITHIN_MS, untilWellUnderWay, within } from './interrupt.js';
import { expectNone, expectOneLineMessages, type Awaitable, type PerTest } from './per-test.js';
import { differences, listing, type BackupAttempt } from './source-attempt.js';
import type { SourceFixture, SourceSuite } from './source-fixture.js';
import { STAGING, type Surroundings } from './surroundings.js';

/** What the core's scratch database names begin with (`ctx.scratchName()`); `removeScratch` takes no other. */
const SCRATCH_PREFIX = 'pickup_drill_';
/** The facts of a fixture's few files or rows take far less (the core keeps none over 1 MiB). */
const MAX_FIXTURE_FACTS_BYTES = 64 * 1024;
/** A drill interrupted midway is aborted this long after it asked for a scratch name, if 64 KiB are not in `scratchDir` first. */
const ABORT_AFTER_NAMED_MS = 500;

/** What the source suite gives its drill tests: the plugin called as the core calls it, and its checks. */
export interface DrillKit {
  // biome-ignore lint/suspicious/noExplicitAny: any plugin, whatever the type of its options
  plugin: Source<any>;
  suite: SourceSuite;
  t: PerTest<SourceFixture>;
  setUp(make?: (workDir: string) => Awaitable<SourceFixture>): Promise<SourceFixture>;
  context(signal?: AbortSignal): PluginContext<unknown>;
  /** A backup into `staging/<run>` (default `run`), which must succeed. */
  backUp(run?: string): Promise<BackupAttempt>;
  /** Everything in the work folder but `own`, and the fixture's fingerprint. */
  lookAtAll(own?: string): Promise<Looked>;
  /** Fails if anything `lookAtAll` sees changed but `own`. */
  expectUnchanged(before: Looked, own?: string): Promise<void>;
}

interface Looked {
  around: Surroundings;
  data: unknown;
}

/** A drill on its way, started as the core starts one. */
interface StartedDrill {
  scratchDir: string;
  /** `scratchDir` relative to the work folder. */
  own: string;
  /** Its one line, or why it failed. */
  outcome: Promise<{ checked: string; error?: undefined } | { error: string }>;
  settled(): boolean;
  /** What `scratchDir` held the moment it settled. */
  atSettling(): string[];
  /** The scratch names it was given. */
  names: readonly string[];
  /** Whether it asked for a scratch name a while ago: its restore is under way. */
  namedAWhileAgo(): boolean;
  /** With `look`: everything but `scratchDir`, seen before it began. */
  before?: Looked;
}

/**
 * The drill tests of the source suite, for a source with `drill`: its backup's facts are small plain
 * JSON; `restoreAndCheck` restores into scratch space only, finds a backup as recorded and resolves with
 * one line, fails with one line when the copy differs from the facts, restores a backup without facts,
 * drops every scratch database it was given, and stops promptly when interrupted; `removeScratch` takes
 * a name that is not there and refuses one that is no scratch name.
 */
export function describeDrill(kit: DrillKit): void {
  const { plugin, suite, t } = kit;
  const drill = plugin.drill!;
  /** Every scratch name given out in the test, removed after it as the core would (a failed test leaves none). */
  const given: string[] = [];

  afterEach(async () => {
    const names = given.splice(0);
    if (!drill.removeScratch) return;
    for (const name of names) await drill.removeScratch({ ...kit.context(), name }).catch(() => {}); // the test said what went wrong
  });

  /**
   * Starts `restoreAndCheck` on the files of `staged` with `facts`, in a new scratch folder of the staging
   * area; with `look`, having looked at everything else first.
   */
  const startDrill = async (
    staged: BackupAttempt,
    facts: SourceFacts | undefined,
    { signal, look = false }: { signal?: AbortSignal; look?: boolean } = {},
  ): Promise<StartedDrill> => {
    const workDir = t.harness.workDir;
    const scratchDir = join(await mkdtemp(join(workDir, STAGING, 'drill-')), 'scratch');
    await mkdir(scratchDir, { mode: 0o700 });
    const own = relative(workDir, scratchDir).split(sep).join('/');
    const before = look ? await kit.lookAtAll(own) : undefined;
    const files: RestoreFile[] = staged.files.map((file) => ({
      path: file.path,
      localPath: join(staged.dir, file.path),
      size: file.size,
    }));
    const names: string[] = [];
    let namedAt: number | undefined;
    let settled = false;
    let atSettling: string[] = [];
    const scratchName = async () => {
      const name = newScratchName();
      names.push(name);
      given.push(name);
      namedAt ??= performance.now();
      return name;
    };
    const outcome = Promise.resolve()
      .then(() => drill.restoreAndCheck({ ...kit.context(signal), files, facts, scratchDir, scratchName }))
      .then(
        (checked) => ({ checked }),
        (failure: unknown) => ({ error: messageOf(failure) }),
      )
      .finally(() => {
        settled = true;
        atSettling = listing(scratchDir);
      });
    return {
      scratchDir,
      own,
      before,
      outcome,
      settled: () => settled,
      atSettling: () => atSettling,
      names,
      namedAWhileAgo: () => namedAt !== undefined && performance.now() - namedAt > ABORT_AFTER_NAMED_MS,
    };
  };

  /** A drill that must succeed: its line, checked as a message (one line, no secret). */
  const drillResolves = async (started: StartedDrill, what: string): Promise<string> => {
    const result = await started.outcome;
    if (result.error !== undefined) t.errors.push(result.error);
    expect(result.error, `${what}: why it failed`).toBeUndefined();
    const checked = (result as { checked: unknown }).checked;
    expect(typeof checked, `${what}: what restoreAndCheck resolves with`).toBe('string');
    t.errors.push(checked as string);
    expectOneLineMessages([checked as string]);
    return checked as string;
  };

  /** Fails unless every scratch database the drill was given is gone, once it settled. */
  const expectScratchGone = async (fixture: SourceFixture, started: StartedDrill) => {
    if (started.names.length === 0) return;
    expect(
      drill.removeScratch,
      'drill.removeScratch: the drill asked for scratch names, so a killed one leaves databases to remove',
    ).toBeDefined();
    const exists = scratchExistsOf(fixture);
    for (const name of started.names)
      expect(await exists(name), `scratch database ${name} once the drill settled`).toBe(false);
  };

  it('records facts for its drill that are plain JSON, and small', async () => {
    await kit.setUp();
    const { facts } = await kit.backUp();
    expect(
      facts,
      'the backup’s facts (BackupResult.facts): what its drill compares a restored copy with',
    ).toBeDefined();
    expect(isObject(facts), 'the facts are a JSON object').toBe(true);
    let text: string;
    try {
      text = JSON.stringify(facts);
    } catch (error) {
      throw new Error(`the facts cannot be written as JSON: ${messageOf(error)}`);
    }
    t.errors.push(text); // no secret in them either
    expect(JSON.parse(text), 'the facts read back from JSON, as the manifest keeps them').toStrictEqual(facts);
    expect(Buffer.byteLength(text), 'bytes of the facts as JSON, for a fixture’s few files or rows').toBeLessThan(
      MAX_FIXTURE_FACTS_BYTES,
    );
  });

  it('restores a backup into scratch space only and finds it as recorded, in one line, leaving no scratch database', async () => {
    const fixture = await kit.setUp();
    const staged = await kit.backUp();
    const started = await startDrill(staged, staged.facts, { look: true });
    await drillResolves(started, 'the drill of a sound backup');
    await kit.expectUnchanged(started.before!, started.own);
    await expectScratchGone(fixture, started);
  });

  it('fails with one line when what it restored differs from the facts the backup recorded', async () => {
    const fixture = await kit.setUp();
    const first = await kit.backUp();
    await changeOf(fixture)();
    const second = await kit.backUp('run-2');
    expect(second.facts, 'the facts of a backup after change(): they must tell the change').not.toEqual(first.facts);
    const started = await startDrill(second, first.facts);
    const result = await started.outcome;
    expect(
      result.error === undefined ? 'it succeeded' : 'it failed',
      'a drill of the changed data against the facts recorded before the change',
    ).toBe('it failed');
    t.errors.push(result.error!);
    expectOneLineMessages([result.error!]);
    await expectScratchGone(fixture, started);
  });

  it('restores a backup that recorded no facts, comparing nothing, in one line', async () => {
    const fixture = await kit.setUp();
    const staged = await kit.backUp();
    const started = await startDrill(staged, undefined);
    await drillResolves(started, 'the drill of a backup without facts (made by an older version)');
    await expectScratchGone(fixture, started);
  });

  if (drill.removeScratch) {
    it('removes a scratch database that is not there without error, and refuses a name that is no scratch name', async () => {
      await kit.setUp();
      const before = await kit.lookAtAll();
      await drill.removeScratch!({ ...kit.context(), name: newScratchName() });
      const message = await failureOf(() =>
        drill.removeScratch!({ ...kit.context(), name: `not_${newScratchName()}` }),
      );
      t.errors.push(message);
      expectOneLineMessages([message]);
      await kit.expectUnchanged(before);
    });
  }

  if (suite.slow) {
    it('stops a drill promptly with an error when interrupted midway, leaving no scratch database', async () => {
      const fixture = await kit.setUp(suite.slow);
      const staged = await kit.backUp();
      const controller = new AbortController();
      const started = await startDrill(staged, staged.facts, { signal: controller.signal });
      if (!(await untilWellUnderWay(started.scratchDir, started.settled, started.namedAWhileAgo))) {
        const result = await started.outcome;
        const how = result.error === undefined ? 'finished' : `failed (${result.error})`;
        throw new Error(`the slow fixture's drill ${how} before it could be interrupted; give suite.slow more data`);
      }
      controller.abort(new Error('interrupted by the testkit'));
      const settled = await within(started.outcome, STOP_WITHIN_MS);
      expect(settled, `still running ${STOP_WITHIN_MS / 1000} s after the abort`).toBeDefined();
      const { error } = settled!.value;
      expect(error === undefined ? 'it succeeded' : 'it failed', 'the interrupted drill').toBe('it failed');
      t.errors.push(error!);
      expectOneLineMessages([error!]);
      // What it started has ended too: nothing more lands in its scratch folder.
      await sleep(500);
      expectNone(
        differences(listing(started.scratchDir), started.atSettling()),
        'written into scratchDir after it failed',
      );
      await expectScratchGone(fixture, started);
    });
  }
}

/** A new scratch name, as the core gives them out: the prefix and random letters. */
function newScratchName(): string {
  return `${SCRATCH_PREFIX}${randomBytes(8).toString('hex')}`;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function changeOf(fixture: SourceFixture): () => Awaitable<void> {
  if (!fixture.change)
    throw new Error(
      'the source has a drill, so its fixture must say how to change its data for a drill to tell: change()',
    );
  return fixture.change.bind(fixture);
}

function scratchExistsOf(fixture: SourceFixture): (name: string) => Awaitable<boolean> {
  if (!fixture.scratchExists)
    throw new Error(
      'the source’s drill makes scratch databases, so its fixtures must say whether one exists: scratchExists(name)',
    );
  return fixture.scratchExists.bind(fixture);
}
