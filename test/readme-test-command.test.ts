import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The commands of the README's quick start: the lines of its sh blocks. */
function quickStartCommands(): string[] {
  const section = /^## Quick start\n([\s\S]*?)^## /m.exec(read('README.md'))?.[1] ?? '';
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  return blocks.flatMap((block) => block.split('\n')).filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe("the README's quick start, as CI runs it", () => {
  const commands = quickStartCommands();
  const pnpm = `pnpm@${JSON.parse(read('package.json')).packageManager.split('@')[1]}`;

  it('has two commands: the example, and the test suite with what it needs installed first', () => {
    expect(commands).toEqual([
      `npx -y ${pnpm} install && npx -y ${pnpm} example`,
      `scripts/install-test-deps.sh && npx -y ${pnpm} install && npx -y ${pnpm} test`,
    ]);
  });

  it('.ci/run runs its test command word for word', () => {
    const ciLines = read('.ci/run').split('\n');
    expect(ciLines).toContain(commands[1]);
  });
});
