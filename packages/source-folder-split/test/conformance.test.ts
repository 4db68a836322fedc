import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compareTrees, describeSource, makeAwkwardTree } from '@pickup/testkit';
import folderSplit from '../src/index.js';

// gzip, and zstd through the machine's zstd command.
for (const compression of ['gzip', 'zstd'] as const) {
  describeSource(folderSplit, {
    name: 'home',
    async setup(workDir) {
      const home = join(workDir, 'home');
      await mkdir(join(home, 'alice'), { recursive: true });
      await makeAwkwardTree(join(home, 'alice'), { bigFile: 1024 * 1024 });
      await mkdir(join(home, 'bob smith/empty'), { recursive: true });
      await mkdir(join(home, 'Zoë'));
      await writeFile(join(home, 'Zoë/notes.txt'), 'ünïcödé\n');
      await writeFile(join(home, 'loose file.txt'), 'a file beside the subfolders\n');
      return {
        options: { path: 'home', compression },
        restore: {
          to: join(workDir, 'restored'),
          verify: async (to) => expect(await compareTrees(to, home)).toEqual([]),
        },
      };
    },
    broken: () => ({ options: { path: 'no-such-folder' } }),
  });
}
