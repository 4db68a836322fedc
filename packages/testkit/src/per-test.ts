import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, type Plugin } from '@pickup/core';
import { leakedSecrets, openHarness, parseOptions, type Harness } from './harness.js';

export type Awaitable<T> = T | Promise<T>;

/** What every fixture says: the plugin's options, and what to hide and to clean up. */
export interface FixtureBase {
  /** The plugin's options, as a config's `with` gives them. */
  options: unknown;
  /** Values that must never show in a log line, an error or `describe` (passwords). */
  secrets?: string[];
  /** Removes what the fixture made outside its folder (a database, a folder on a server); the folder itself is removed for you. */
  cleanup?(): Awaitable<void>;
}

/**
 * A secret of the suite's own, planted for every test whatever the fixture's credentials: in the
 * environment of the plugin's process (`PICKUP_TESTKIT_SECRET`), and by the target suite in the data it
 * stages. No log line, error or description may show it.
 */
export const PLANTED_SECRET_VARIABLE = 'PICKUP_TESTKIT_SECRET';
export const plantedSecret = `pickup-testkit-planted-${randomBytes(8).toString('hex')}`;

/** One test of a suite: its harness, the fixture it set up, and the error messages it saw. */
export interface PerTest<Fixture extends FixtureBase> {
  readonly harness: Harness;
  readonly fixture: Fixture;
  /** Error messages and descriptions the test saw; checked for secrets after it. */
  readonly errors: string[];
  setUp(make: (workDir: string) => Awaitable<Fixture>): Promise<Fixture>;
  /** A further fixture of the test (another host's): its secrets are checked, and its cleanup run, after the test too. */
  adopt<Other extends FixtureBase>(other: Other): Other;
}

/**
 * Registers hooks in the enclosing `describe`: a fresh harness before each test; after it, a check that
 * no secret of the fixture showed in a log line or an error, then the fixture's cleanup.
 */
export function perTest<Fixture extends FixtureBase>(): PerTest<Fixture> {
  let harness: Harness | undefined;
  let fixture: Fixture | undefined;
  let adopted: FixtureBase[] = [];
  const errors: string[] = [];
  beforeEach(async () => {
    harness = await openHarness();
    errors.length = 0;
    process.env[PLANTED_SECRET_VARIABLE] = plantedSecret;
  });
  afterEach(async () => {
    try {
      const secrets = [...[fixture, ...adopted].flatMap((each) => each?.secrets ?? []), plantedSecret];
      expect(leakedSecrets([...harness!.lines, ...errors], secrets), 'secrets shown in logs or errors').toEqual([]);
    } finally {
      delete process.env[PLANTED_SECRET_VARIABLE];
      for (const other of adopted) await other.cleanup?.();
      adopted = [];
      await fixture?.cleanup?.();
      fixture = undefined;
      await harness?.close();
    }
  });
  return {
    get harness() {
      if (!harness) throw new Error('no harness outside a test');
      return harness;
    },
    get fixture() {
      if (!fixture) throw new Error('the test has not set up its fixture');
      return fixture;
    },
    errors,
    async setUp(make) {
      fixture = await make(this.harness.workDir);
      return fixture;
    },
    adopt(other) {
      adopted.push(other);
      return other;
    },
  };
}

/** The tests every plugin gets first, of either kind: what it is, and that its schema takes the fixture's options. */
export function itIsAPluginOfThisCore<Fixture extends FixtureBase>(
  kind: Plugin['kind'],
  plugin: Plugin,
  t: PerTest<Fixture>,
  setUp: () => Promise<Fixture>,
): void {
  it(`is a ${kind} plugin of this core`, () => {
    expect(plugin.kind).toBe(kind);
    expect(plugin.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(plugin.name).toMatch(/\S/);
  });

  it('accepts the options of the fixture', async () => {
    await setUp();
    expect(() => parseOptions(plugin, t.fixture.options)).not.toThrow();
  });
}

/** What every message a plugin gives the user must be: something, on one line. */
export function expectOneLineMessages(messages: readonly string[]): void {
  for (const message of messages) {
    expect(message).toMatch(/\S/);
    expect(message).not.toContain('\n');
  }
}

/** Fails unless `found` is empty, naming what it holds (a JSON report shows no diff). */
export function expectNone(found: readonly string[], what: string): void {
  expect(found, found.length > 0 ? `${what}: ${found.join('; ')}` : what).toEqual([]);
}
