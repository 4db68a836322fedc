// needs: restic, faketime, chromium
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, visitFile } from '../helpers/browser.js';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { writePasswordFile } from '../helpers/restic.js';

const DAY = 24 * 3600;

interface ShownHost {
  host: string | undefined;
  stale: string | undefined;
  ageSeconds: string | undefined;
  kept: string | undefined;
  bytes: string | undefined;
  marks: number;
}

/** Three hosts share one restic repository: db1 fresh, db2 two days old, db3's last backup partial. */
describe('pickup report over three hosts sharing a restic repository, and its HTML page in Chromium', () => {
  let project: Project;
  const config = (host: string) => `${host}.config.ts`;
  const hostConfig = (host: string, extraSources: unknown[] = []) => ({
    sources: [{ name: 'files', use: 'folder', with: { path: `./data-${host}`, compression: 'none' } }, ...extraSources],
    targets: [
      {
        name: 'vault',
        use: 'restic',
        with: { repository: './repository', passwordFile: './restic-password', init: true, host },
      },
    ],
  });
  const run = (host: string, wrap?: string[]) =>
    pickup(['run', '--config', config(host)], { cwd: project.dir, ...(wrap ? { wrap, env: { TZ: 'UTC' } } : {}) });

  beforeAll(async () => {
    project = await makeProject();
    await writePasswordFile(project);
    for (const host of ['db1', 'db2', 'db3']) {
      await mkdir(project.path(`data-${host}`));
      await writeFile(project.path(`data-${host}/dump.sql`), `-- ${host}\n`.repeat(2000 * host.length));
      await project.writeConfig(hostConfig(host), config(host));
    }
    const twoDaysAgo = new Date(Date.now() - 2 * DAY * 1000).toISOString().slice(0, 19).replace('T', ' ');
    expect((await run('db2', ['faketime', '-f', `@${twoDaysAgo}`])).code).toBe(0);
    expect((await run('db1')).code).toBe(0);
    expect((await run('db3')).code).toBe(0);
    await project.writeConfig(
      hostConfig('db3', [{ name: 'uploads', use: 'folder', with: { path: './gone' } }]),
      config('db3'),
    );
    expect((await run('db3')).code).toBe(1);
  }, 120_000);
  afterAll(async () => {
    await project.remove();
  });

  it('the table, --json and --max-age agree; the page shows the same numbers, without a console error', async () => {
    // db3's drill, kept for the report (the same cache folder as the report's).
    const drill = await pickup(['drill', '--config', config('db3'), '--source', 'files'], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });
    expect(drill.code).toBe(0);
    const result = await pickup(
      ['report', '--config', config('db3'), '--json', '--html', 'fleet.html', '--max-age', '26h'],
      {
        cwd: project.dir,
        env: { XDG_CACHE_HOME: project.path('cache') },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /warning: host db2 at target vault is stale: it has its newest complete backup 2 d \d+ h old/,
    );
    const document = JSON.parse(result.stdout);
    const hosts = document.targets[0].hosts;
    expect(
      hosts.map((h: { host: string; own: boolean; stale: boolean; kept: number }) => [h.host, h.own, h.stale, h.kept]),
    ).toEqual([
      ['db1', false, false, 1],
      ['db2', false, true, 1],
      ['db3', true, false, 2],
    ]);
    expect(hosts[2].laterProblem).toMatchObject({ state: 'partial' });
    expect(hosts[2].lastDrill).toMatchObject({ outcome: 'success', drills: 1, failed: 0 });
    expect([hosts[0].lastDrill, hosts[1].lastDrill]).toEqual([null, null]);
    expect(hosts[1].ageSeconds).toBeGreaterThan(2 * DAY - 600);

    const table = await pickup(['report', '--config', config('db3'), '--max-age', '26h'], {
      cwd: project.dir,
      env: { XDG_CACHE_HOME: project.path('cache') },
    });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^ {2}db2 STALE +\S+ +2 d \d+ h /m);
    expect(table.stdout).toMatch(/^ {2}db3 \(this\) .* partial \(uploads\) +\d{4}-\d\d-\d\d \d\d:\d\d success$/m);

    const page = project.path('fleet.html');
    expect(await readFile(page, 'utf8')).not.toMatch(/<(link|img|script)[^>]+(src|href)=/);
    await visitFile(page, async (visit) => {
      expect(visit.problems).toEqual([]);
      expect(visit.requests).toEqual([visit.url]);
      const shown: ShownHost[] = await visit.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('article.host')].map((card) => ({
          host: card.dataset.host,
          stale: card.dataset.stale,
          ageSeconds: card.dataset.ageSeconds,
          kept: card.dataset.kept,
          bytes: card.dataset.bytes,
          marks: card.querySelectorAll('svg.chart g.b').length,
        })),
      );
      expect(shown).toEqual(
        hosts.map(
          (h: {
            host: string;
            stale: boolean;
            ageSeconds: number;
            kept: number;
            newest: { bytes: number };
            backups: unknown[];
          }) => ({
            host: h.host,
            stale: String(h.stale),
            ageSeconds: String(h.ageSeconds),
            kept: String(h.kept),
            bytes: String(h.newest.bytes),
            marks: expect.any(Number),
          }),
        ),
      );
      // Each host's timeline has a mark per backup (and the size chart one per backup with a size).
      for (const [index, host] of hosts.entries())
        expect(shown[index]!.marks).toBeGreaterThanOrEqual(host.backups.length);
      const png = decodePng(await visit.screenshot());
      expect(png.width).toBe(1200);
      expect(png.colours().size).toBeGreaterThan(20);
    });
  });

  it('a second report reads no manifest again: they come from the cache', async () => {
    const report = () =>
      pickup(['report', '--config', config('db1'), '--json', '--verbose'], {
        cwd: project.dir,
        env: { XDG_CACHE_HOME: project.path('cache-db1') },
      });
    const hostsOf = (stdout: string) =>
      JSON.parse(stdout).targets[0].hosts.map((host: { ageSeconds: number }) => ({ ...host, ageSeconds: undefined }));
    const first = await report();
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/target vault: 3 host\(s\), manifests: 4 read, 0 from the cache/);
    const again = await report();
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/target vault: 3 host\(s\), manifests: 0 read, 4 from the cache/);
    expect(hostsOf(again.stdout)).toEqual(hostsOf(first.stdout));
  });
});
