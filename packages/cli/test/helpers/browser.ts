import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/install-test-deps.sh installs it). */
export const CHROMIUM = '/usr/bin/chromium';

// This machine's network is closed: without these Chromium keeps trying to reach Google's services.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PageVisit {
  page: Page;
  url: string;
  /** Console errors and warnings, uncaught page errors, failed requests: what a good page has none of. */
  problems: string[];
  /** Every URL the page asked for, the page's own included; only the page's own was let through. */
  requests: string[];
  evaluate: Page['evaluate'];
  /** A PNG of the whole page (`fullPage`) or of what the window shows. */
  screenshot(options?: { fullPage?: boolean; path?: string }): Promise<Buffer>;
}

/**
 * Opens a local file in a headless Chromium with a fresh profile, as a person would from a file manager,
 * hands it to `use`, and closes the browser and removes the profile whatever `use` does. Any request but the
 * page's own is refused (and listed in `requests`).
 */
export async function visitFile<T>(
  file: string,
  use: (visit: PageVisit) => Promise<T>,
  viewport = { width: 1200, height: 900 },
): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'pickup-chromium-'));
  const url = pathToFileURL(file).href;
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport,
    });
    try {
      const problems: string[] = [];
      const requests: string[] = [];
      await context.route(
        (requested) => requested.href !== url,
        (route) => route.abort(),
      );
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (['error', 'warning'].includes(message.type()))
          problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      page.on('requestfailed', (request) =>
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      await page.goto(url, { waitUntil: 'load' });
      return await use({
        page,
        url,
        problems,
        requests,
        evaluate: page.evaluate.bind(page) as Page['evaluate'],
        screenshot: (options) => page.screenshot({ fullPage: true, ...options }),
      });
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

export interface Pixels {
  width: number;
  height: number;
  /** `#rrggbb` of the pixel at x, y. */
  at(x: number, y: number): string;
  /** How many pixels have each colour (`#rrggbb`). */
  colours(): Map<string, number>;
}

/** The pixels of a PNG as Chromium writes screenshots (8-bit RGB or RGBA, not interlaced). */
export function decodePng(png: Buffer): Pixels {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new Error('not a PNG');
  }
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  if (!header) throw new Error('PNG without IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colour, , , interlace] = [header[8], header[9], header[10], header[11], header[12]];
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) {
    throw new Error(`PNG of depth ${depth}, colour type ${colour}, interlace ${interlace}: not decoded here`);
  }
  const channels = colour === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(data));
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      pixels[y * stride + i] = (line[i]! + predict(filter!, left, up, upLeft)) & 0xff;
    }
  }
  const at = (x: number, y: number) => {
    const start = y * stride + x * channels;
    return `#${pixels.subarray(start, start + 3).toString('hex')}`;
  };
  const colours = () => {
    const counts = new Map<number, number>();
    for (let start = 0; start < pixels.length; start += channels) {
      const rgb = pixels.readUIntBE(start, 3);
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
    }
    return new Map([...counts].map(([rgb, count]) => [`#${rgb.toString(16).padStart(6, '0')}`, count]));
  };
  return { width, height, at, colours };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  if (filter === 0) return 0;
  if (filter === 1) return left;
  if (filter === 2) return up;
  if (filter === 3) return (left + up) >> 1;
  if (filter === 4) {
    const estimate = left + up - upLeft;
    const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
    return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
  }
  throw new Error(`PNG row filter ${filter}`);
}
