import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConfigFile } from '../src/config/find.js';
import { formatPath } from '../src/validation/issues.js';
import { loadConfig } from '../src/plugin/plan.js';

describe('finding the config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-config-'));
    await writeFile(join(dir, 'pickup.config.json'), '{}');
    await writeFile(join(dir, 'pickup.config.mjs'), 'export default {}');
    await writeFile(join(dir, 'other.ts'), 'export default {}');
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('--config first, then $PICKUP_CONFIG, then the working folder (.ts, .mts, .js, .mjs, .json in that order)', () => {
    const env = { PICKUP_CONFIG: join(dir, 'pickup.config.json') };
    expect(findConfigFile({ explicit: 'other.ts', env, cwd: dir })).toBe(join(dir, 'other.ts'));
    expect(findConfigFile({ env, cwd: '/' })).toBe(join(dir, 'pickup.config.json'));
    expect(findConfigFile({ env: {}, cwd: dir })).toBe(join(dir, 'pickup.config.mjs'));
  });

  it('says where it looked when there is none', () => {
    expect(() => findConfigFile({ env: {}, cwd: '/proc/self' })).toThrow(
      /no config file in \/proc\/self .*pass --config FILE or set PICKUP_CONFIG/,
    );
  });
});

describe('loading the config', () => {
  it('fills in defaults and names every wrong field at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pickup-config-'));
    try {
      const file = join(dir, 'pickup.config.json');
      await writeFile(
        file,
        JSON.stringify({ sources: [{ name: 'a', use: 'folder' }], targets: [{ name: 'b', use: 'folder' }] }),
      );
      const loaded = await loadConfig(file);
      expect(loaded.dir).toBe(dir);
      expect(loaded.config).toMatchObject({
        concurrency: 1,
        log: { maxSize: '10m', maxFiles: 5 },
        sources: [{ with: {} }],
      });

      await writeFile(
        file,
        JSON.stringify({ sources: [{ name: '../x', use: 'folder' }], targets: [], concurrency: 0 }),
      );
      const error = await loadConfig(file).catch(
        (caught: unknown) => caught as { problems: string[]; exitCode: number },
      );
      expect(error.exitCode).toBe(2);
      // The three fields, and in the same round the plugin entry, whose plugin is not installed here.
      expect(error.problems).toHaveLength(4);
      expect(error.problems.join('\n')).toMatch(/sources\[0\]\.use: no source plugin "folder" is installed/);
      expect(error.problems.join('\n')).toMatch(/sources\[0\]\.name: use letters/);
      expect(error.problems.join('\n')).toMatch(/targets: list at least one target/);
      expect(error.problems.join('\n')).toMatch(/concurrency: /);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('formats field paths as in JavaScript', () => {
    expect(formatPath(['sources', 1, 'with', 'path'])).toBe('sources[1].with.path');
    expect(formatPath([])).toBe('');
  });
});
