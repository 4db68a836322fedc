// needs: chromium
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FleetReport, formatBytes, renderFleetHtml } from '@pickup/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, visitFile } from './helpers/browser.js';
import { HOSTILE_HOST, largeFleetReport, sampleFleetReport } from './helpers/fleet-fixture.js';

/** What a host's card says, read from the page in the browser. */
interface ShownHost {
  target: string | null;
  host: string | null;
  own: string | null;
  stale: string | null;
  ageSeconds: string | null;
  kept: string | null;
  bytes: string | null;
  name: string | null;
  badge: string | null;
  age: string | null;
  size: string | null;
  keptText: string | null;
  edge: string;
  /** Marks of the timeline, by state. */
  marks: Record<string, number>;
  /** The first line of each mark's hover text. */
  hovers: string[];
}

function shownHosts(): ShownHost[] {
  const text = (element: Element, selector: string) => element.querySelector(selector)?.textContent ?? null;
  return [...document.querySelectorAll<HTMLElement>('article.host')].map((card) => {
    const marks: Record<string, number> = {};
    for (const mark of card.querySelectorAll('svg.chart g.b')) {
      const state = [...mark.classList].find((name) => name !== 'b')!;
      marks[state] = (marks[state] ?? 0) + 1;
    }
    return {
      target: card.dataset.target ?? null,
      host: card.dataset.host ?? null,
      own: card.dataset.own ?? null,
      stale: card.dataset.stale ?? null,
      ageSeconds: card.dataset.ageSeconds ?? null,
      kept: card.dataset.kept ?? null,
      bytes: card.dataset.bytes ?? null,
      name: text(card, '.name'),
      badge: text(card, '.badge:last-of-type'),
      age: text(card, '.age'),
      size: text(card, '.bytes'),
      keptText: text(card, '.kept'),
      edge: getComputedStyle(card).borderLeftColor,
      marks,
      hovers: [...card.querySelectorAll('svg.chart g.b > title')].map((title) => title.textContent!.split('\n')[0]!),
    };
  });
}

function marksOf(backups: FleetReport['targets'][number]['hosts'][number]['backups']): Record<string, number> {
  const marks: Record<string, number> = {};
  for (const backup of backups) marks[backup.state] = (marks[backup.state] ?? 0) + 1;
  return marks;
}

const STALE_EDGE = 'rgb(198, 40, 40)';
const FRESH_EDGE = 'rgb(31, 146, 84)';

describe('pickup report --html: the page in a real Chromium', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pickup-report-html-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("shows each host's numbers as the report has them, marks stale hosts, and shows a hostile host name as text", async () => {
    const report = sampleFleetReport();
    const file = join(folder, 'report.html');
    await writeFile(file, renderFleetHtml(report));

    await visitFile(file, async (visit) => {
      // Nothing loaded, nothing complained: the page is whole in itself.
      expect(visit.problems).toEqual([]);
      expect(visit.requests).toEqual([visit.url]);

      const header = await visit.evaluate(() => ({ ...document.querySelector<HTMLElement>('header.report')!.dataset }));
      expect(header).toMatchObject({ hosts: '4', stale: '2', exitCode: '1', generatedAt: report.generatedAt });

      const shown = await visit.evaluate(shownHosts);
      const hosts = report.targets.flatMap((target) => target.hosts.map((host) => ({ target: target.name, ...host })));
      expect(
        shown.map(({ target, host, own, stale, ageSeconds, kept, bytes }) => ({
          target,
          host,
          own,
          stale,
          ageSeconds,
          kept,
          bytes,
        })),
      ).toEqual(
        hosts.map((host) => ({
          target: host.target,
          host: host.host,
          own: String(host.own),
          stale: String(host.stale),
          ageSeconds: host.ageSeconds === null ? null : String(host.ageSeconds),
          kept: String(host.kept),
          bytes: host.newest?.bytes == null ? null : String(host.newest.bytes),
        })),
      );
      for (const [index, host] of hosts.entries()) {
        const card = shown[index]!;
        expect(card.name).toBe(host.host);
        expect(card.badge).toBe(host.stale ? 'STALE' : 'OK');
        expect(card.edge).toBe(host.stale ? STALE_EDGE : FRESH_EDGE);
        expect(card.marks).toEqual(marksOf(host.backups));
        expect(card.hovers).toEqual(host.backups.map((backup) => backup.runId));
        if (host.error) continue;
        expect(card.keptText).toBe(String(host.kept));
        expect(card.size).toBe(formatBytes(host.newest!.bytes!));
      }
      // Ages in words, as a person reads them.
      expect(Object.fromEntries(shown.map((card) => [card.host, card.age]))).toEqual({
        [HOSTILE_HOST]: null,
        'db-1': '10 h 00 min',
        'mail-1': '22 h 23 min',
        'web-1': '5 d 9 h',
      });
      expect(shown.filter((card) => card.stale === 'true').map((card) => card.host)).toEqual([HOSTILE_HOST, 'web-1']);

      // Markup from another machine stays text: no element made of it, nothing of it ran.
      const injected = await visit.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        elements: document.querySelectorAll('img, .name *, .error *, .problems li *').length,
        title: document.title,
        errors: [...document.querySelectorAll('.error')].map((element) => element.textContent),
      }));
      expect(injected).toEqual({
        scripts: 0,
        elements: 0,
        title: `Pickup report: ${report.config}`,
        errors: [
          '<b>AccessDenied</b> (403) for s3://acme-backups/pickup/<script>/',
          'Could not list its hosts: ssh: connect to host nas.lan port 22: Connection timed out',
        ],
      });

      // A real picture: the window's width, the whole page's height, and the marks painted in their colours.
      const png = decodePng(await visit.screenshot());
      expect([png.width, png.height > 900]).toEqual([1200, true]);
      const colours = png.colours();
      expect(colours.size).toBeGreaterThan(100);
      for (const colour of ['#1f9254', '#d08700', '#7b3fb8', '#c62828']) {
        expect(colours.get(colour) ?? 0, colour).toBeGreaterThan(20);
      }
    });
  });

  it('stays lean and whole for 20 hosts of 200 backups', async () => {
    const report = largeFleetReport(20, 200);
    const page = renderFleetHtml(report);
    expect(page.length).toBeLessThan(1_000_000);
    const file = join(folder, 'large.html');
    await writeFile(file, page);

    await visitFile(file, async (visit) => {
      expect(visit.problems).toEqual([]);
      const counts = await visit.evaluate(() => ({
        cards: document.querySelectorAll('article.host').length,
        marks: document.querySelectorAll('svg.chart g.b').length,
        bars: document.querySelectorAll('svg.chart g.b rect').length,
      }));
      expect(counts).toEqual({ cards: 20, marks: 4000, bars: 4000 });
    });
  });
});
