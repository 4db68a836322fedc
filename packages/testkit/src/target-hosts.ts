import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, messageOf, type HostBackups, type StagedRun, type StoredEntry } from '@pickup/core';
import { expectOneLineMessages } from './per-test.js';
import { caught, collect, sha256Of } from './read-back.js';
import { CUT_TEST_TIMEOUT_MS, killedPush } from './target-cuts.js';
import type { TargetFixture, TargetTests } from './target-tests.js';
import { sha256 } from './tree.js';

/**
 * The tests of `hosts`, for a store several hosts share: the suite's own fixture and two more hosts'
 * (`forHost('alpha')`, `forHost('beta')`) push into one store, then `hosts()`, called as each of them,
 * must show each host once with what its own `list` shows, give each host's own bytes, mark the
 * caller's host as its own, and change nothing. Without `forHost`, `hosts()` must refuse the fixture's
 * options in one line (they name no shared store), and that is all these tests check.
 */

/** A host of the store the tests fill: its fixture, and the runs pushed as it. */
interface Host {
  /** The name its fixture was made for; undefined for the suite's own fixture, which the store names. */
  name: string | undefined;
  fixture: TargetFixture;
  runs: StagedRun[];
}

/** What the tests compare of a listed backup. */
type Entry = Pick<StoredEntry, 'id' | 'runId' | 'complete'>;

const who = (host: Host) => host.name ?? "the suite's own fixture";

export function describeHosts(k: TargetTests): void {
  const { t, plugin } = k;
  const timeout = { timeout: CUT_TEST_TIMEOUT_MS };

  const hostOf = async (name: string): Promise<Host> => ({
    name,
    fixture: t.adopt(await t.fixture.forHost!(name)),
    runs: [],
  });

  /** The own fixture's store and alpha and beta in it; undefined without `forHost`, once `hosts()` refused in one line. */
  async function sharedStore(): Promise<Host[] | undefined> {
    const fixture = await k.setUp();
    if (fixture.forHost) return [{ name: undefined, fixture, runs: [] }, await hostOf('alpha'), await hostOf('beta')];
    const refused = await caught(() => plugin.hosts!(k.context()));
    if (refused === undefined)
      expect.fail(
        "hosts() answers for the fixture's options, so they name a store several hosts share: " +
          'give the fixture forHost(host), a fixture of the same store as that host configures it',
      );
    t.errors.push(messageOf(refused));
    expectOneLineMessages(t.errors);
    return undefined;
  }

  /** Run `n` staged as `host`: its own bytes, so that the same run id at two hosts holds different files. */
  const stageAs = (host: Host, n: number, filler = 0) =>
    k.stage(n, { filler, root: join(t.harness.workDir, `staging-${host.name ?? 'own'}`) });

  async function pushAs(host: Host, n: number): Promise<void> {
    const run = await stageAs(host, n);
    await plugin.push({ ...k.contextFor(host.fixture.options), run });
    host.runs.push(run);
  }

  /** What the host's own config lists. */
  const listAs = async (host: Host) => entriesOf(await plugin.list(k.contextFor(host.fixture.options)));

  async function hostsAs(caller: Host): Promise<HostBackups[]> {
    try {
      return await plugin.hosts!(k.contextFor(caller.fixture.options));
    } catch (error) {
      t.errors.push(messageOf(error));
      throw error;
    }
  }

  /** Each listed host's backups by its name; no name twice. */
  async function listsOf(listed: readonly HostBackups[], as: string): Promise<Map<string, Entry[]>> {
    const names = listed.map((host) => host.host);
    expect(
      names.filter((name, index) => names.indexOf(name) !== index),
      `hosts that ${as} lists more than once`,
    ).toEqual([]);
    return new Map(await Promise.all(listed.map(async (host) => [host.host, entriesOf(await host.list())] as const)));
  }

  /** The name the store gives the own fixture's host: the one with backups that is none of the others. */
  const ownNameIn = (lists: Map<string, Entry[]>, others: readonly Host[]) =>
    [...lists].find(([name, entries]) => entries.length > 0 && !others.some((host) => host.name === name))?.[0];

  /**
   * Own: day 1. Alpha: day 1 (the own host's run id, other bytes) and day 2. Beta: day 2, and with `cut`
   * a push killed midway, which a target that is no shared store lists as incomplete.
   */
  async function fill([own, alpha, beta]: Host[], { cut }: { cut: boolean }): Promise<void> {
    await pushAs(own!, 1);
    await pushAs(alpha!, 1);
    await pushAs(alpha!, 2);
    await pushAs(beta!, 2);
    if (!cut) return;
    let n = 3;
    const run = await killedPush(k, beta!.fixture, (filler) => stageAs(beta!, n++, filler));
    if (!run) expect.fail("a push of beta's killed midway: every try ended between two looks at its contents()");
    if (k.shared) return;
    expect(
      (await listAs(beta!)).filter((entry) => entry.runId === run.runId).map((entry) => entry.complete),
      "what beta's killed push left, as beta's own list shows it",
    ).toContain(false);
  }

  describe('hosts', () => {
    it(
      "lists each host with backups once, with what its own config lists, and marks the caller's as its own",
      timeout,
      async () => {
        const hosts = await sharedStore();
        if (!hosts) return;
        await fill(hosts, { cut: true });
        const [own, ...named] = hosts;
        const expected = new Map(await Promise.all(hosts.map(async (host) => [host, await listAs(host)] as const)));
        for (const caller of hosts) {
          const as = `hosts() as ${who(caller)}`;
          const listed = await hostsAs(caller);
          const lists = await listsOf(listed, as);
          for (const host of named)
            expect(lists.get(host.name!), `${host.name}'s backups, as ${as} lists them`).toEqual(expected.get(host));
          const others = [...lists].filter(
            ([name, entries]) => entries.length > 0 && !named.some((host) => host.name === name),
          );
          expect(
            others.map(([, entries]) => entries),
            `the backups of the hosts besides alpha and beta, as ${as} lists them: the own fixture's host's only`,
          ).toEqual([expected.get(own!)]);
          expect(
            listed.filter((host) => host.own).map((host) => host.host),
            `the host ${as} marks as its own`,
          ).toEqual([caller.name ?? others[0]![0]]);
        }
      },
    );

    it(
      "reads each host's own bytes, of the same run id at another host too, and a file it lacks as ENOENT",
      timeout,
      async () => {
        const hosts = await sharedStore();
        if (!hosts) return;
        await fill(hosts, { cut: false });
        for (const caller of hosts.slice(0, 2)) {
          const as = `hosts() as ${who(caller)}`;
          const listed = await hostsAs(caller);
          const ownName = ownNameIn(await listsOf(listed, as), hosts);
          for (const host of hosts) {
            const found = listed.find((each) => each.host === (host.name ?? ownName));
            if (!found) expect.fail(`${who(host)} is not among the hosts ${as} lists`);
            for (const run of host.runs) {
              for (const path of [run.manifestFile, 'www/www.tar.gz'])
                expect(
                  await sha256Of(await found.read(run.runId, path)),
                  `the sha256 of ${path} of ${run.runId} of ${who(host)}, as ${as} reads it`,
                ).toBe(await sha256(join(run.dir, path)));
              const error = await caught(async () => collect(await found.read(run.runId, 'www/no-such-file')));
              expect(
                (error as { code?: unknown } | undefined)?.code,
                `the code of the error of www/no-such-file of ${run.runId} of ${who(host)}, as ${as} reads it`,
              ).toBe('ENOENT');
            }
          }
        }
      },
    );

    it('only reads: what each host holds is the same after hosts(), their lists and their reads', timeout, async () => {
      const hosts = await sharedStore();
      if (!hosts) return;
      await fill(hosts, { cut: true });
      const contents = () => Promise.all(hosts.map(async (host) => [...(await host.fixture.contents())].sort()));
      const before = await contents();
      // hosts() and lists as each host, reads (slow at some stores) as the own fixture. What they give is for
      // the other tests: here, only that nothing changes.
      for (const caller of hosts) {
        for (const host of await hostsAs(caller)) {
          const entries = await host.list();
          if (caller !== hosts[0]) continue;
          for (const entry of entries) {
            await caught(async () => collect(await host.read(entry.id, MANIFEST_FILE)));
            await caught(async () => collect(await host.read(entry.id, 'www/no-such-file')));
          }
        }
      }
      expect(await contents(), "what the own fixture's, alpha's and beta's contents() hold afterwards").toEqual(before);
    });

    it(
      'lists no backups for a host that has stored none, and marks none of another host as its own',
      timeout,
      async () => {
        const hosts = await sharedStore();
        if (!hosts) return;
        const [own, alpha] = hosts;
        const gamma = await hostOf('gamma');
        for (const caller of [own!, alpha!]) {
          const as = `hosts() as ${who(caller)}`;
          const lists = await listsOf(await hostsAs(caller), as);
          expect(
            [...lists].filter(([, entries]) => entries.length > 0),
            `the hosts with backups in an empty store, as ${as} lists them`,
          ).toEqual([]);
        }
        await pushAs(alpha!, 1);
        const expected = await listAs(alpha!);
        for (const caller of [own!, alpha!, gamma]) {
          const as = `hosts() as ${who(caller)}`;
          const listed = await hostsAs(caller);
          const lists = await listsOf(listed, as);
          expect(lists.get('alpha'), `alpha's backups, as ${as} lists them`).toEqual(expected);
          expect(
            [...lists].filter(([name, entries]) => name !== 'alpha' && entries.length > 0),
            `the hosts besides alpha with backups, as ${as} lists them: none has stored any`,
          ).toEqual([]);
          const marked = listed.filter((host) => host.own).map((host) => host.host);
          // A caller with nothing stored need not be listed; if it is, it is its own.
          if (caller === alpha) expect(marked, `the host ${as} marks as its own`).toEqual(['alpha']);
          else
            expect(
              marked.filter((name) => name === 'alpha'),
              `alpha marked as its own by ${as}`,
            ).toEqual([]);
          expect(marked.length, `how many hosts ${as} marks as its own`).toBeLessThanOrEqual(1);
        }
      },
    );
  });
}

function entriesOf(list: readonly StoredEntry[]): Entry[] {
  return list
    .map(({ id, runId, complete }) => ({ id, runId, complete }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
