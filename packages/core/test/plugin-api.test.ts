import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = join(dirname(fileURLToPath(import.meta.url)), '..');
const extractor = join(core, '../../node_modules/.bin/api-extractor');

describe('the plugin API', () => {
  it('is what packages/core/api/plugin.api.md says: a change of it shows in review (pnpm api-report updates the file)', () => {
    // Checks the built declarations of @pickup/core/plugin against the committed report; fails when they differ.
    const result = spawnSync(extractor, ['run', '--config', join(core, 'api-extractor.json')], {
      cwd: core,
      encoding: 'utf8',
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 60_000);
});
