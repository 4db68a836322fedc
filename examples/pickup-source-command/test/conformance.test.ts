import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSource, openHarness } from '@pickup/testkit';
import command, { type CommandSourceOptions } from '../src/index.js';

// Prints a variable from `env`, the folder it runs in, and a few hundred kB of lines.
const script = 'printf "%s\\n" "$GREETING"; pwd; seq 1 100000';
const expected = (workDir: string) =>
  `grüß dich\n${workDir}\n${Array.from({ length: 100000 }, (_, i) => `${i + 1}\n`).join('')}`;

for (const gzipLevel of [6, 0]) {
  describeSource(command, {
    name: 'listing',
    setup: (workDir) => ({
      options: { command: ['sh', '-c', script], env: { GREETING: 'grüß dich' }, file: 'listing.txt', gzipLevel },
      restore: {
        to: join(workDir, 'restored'),
        verify: async (to) => expect(await readFile(join(to, 'listing.txt'), 'utf8')).toBe(expected(workDir)),
      },
    }),
    broken: () => ({ options: { command: ['sh', '-c', 'echo "no such table" >&2; exit 3'] }, onlyBackupFails: true }),
    // 64 MB of random bytes through gzip: a second or more, to interrupt midway.
    slow: () => ({ options: { command: ['head', '-c', String(64 * 1024 * 1024), '/dev/urandom'], gzipLevel } }),
    // A command that prints nothing: stored, with a warning.
    partial: () => ({ options: { command: ['true'], gzipLevel } }),
  });
}

describeSource(command, {
  setup: (workDir) => ({
    options: { command: ['echo', 'hello'] },
    restore: {
      to: join(workDir, 'restored'),
      verify: async (to) => expect(await readFile(join(to, 'output'), 'utf8')).toBe('hello\n'),
    },
  }),
  broken: () => ({ options: { command: ['no-such-program-anywhere'] } }),
});

describe('pickup-source-command', () => {
  it('warns when the command prints nothing: the backup is marked partial', async () => {
    const harness = await openHarness();
    try {
      const warnings: string[] = [];
      await mkdir(join(harness.workDir, 'out'));
      const context = harness.context<CommandSourceOptions>(command, 'nothing', { command: ['true'] });
      await command.backup({
        ...context,
        dir: join(harness.workDir, 'out'),
        warn: (message) => warnings.push(message),
      });
      expect(warnings).toEqual(['true printed nothing; is that right?']);
    } finally {
      await harness.close();
    }
  });
});
