// The project's own rules, checked with every test run (and by `pnpm lint`): the import rules and the
// core's layers (.dependency-cruiser.cjs, docs/architecture.md), and Biome's lint and format.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);

function run(command: string, args: string[]): { code: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the project rules', () => {
  it('imports follow the rules: no cycles, the core imports no plugin or CLI, plugins only the plugin entry, core folders only the layers below', () => {
    const { code, output } = run(bin('depcruise'), [
      'packages/*/src',
      'examples/*/src',
      '--config',
      '.dependency-cruiser.cjs',
    ]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/no dependency violations found/);
  });

  it('Biome finds nothing to lint or format (pnpm lint; biome format --write . formats)', () => {
    const { code, output } = run(bin('biome'), ['ci', '.', '--colors=off', '--max-diagnostics=20']);
    expect(code, output).toBe(0);
  });
});
