// needs: time
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compareTrees, describeSource, makeAwkwardTree, writeRandomFile } from '@pickup/testkit';
import folder from '../src/index.js';

// gzip, and zstd through the machine's zstd command.
for (const compression of ['gzip', 'zstd'] as const) {
  describeSource(folder, {
    async setup(workDir) {
      const data = join(workDir, 'data');
      await mkdir(data);
      await makeAwkwardTree(data, { bigFile: 2 * 1024 * 1024 });
      return {
        options: { path: 'data', compression },
        restore: {
          to: join(workDir, 'restored'),
          verify: async (to) => expect(await compareTrees(to, data)).toEqual([]),
        },
        change: () => writeFile(join(data, 'added later.txt'), 'a file the first backup does not have\n'),
      };
    },
    broken: () => ({ options: { path: 'no-such-folder' } }),
    // Random bytes do not compress: a second or more of work, to interrupt midway.
    async slow(workDir) {
      await mkdir(join(workDir, 'data'));
      for (let i = 0; i < 6; i++) await writeRandomFile(join(workDir, `data/random-${i}.bin`), 8 * 1024 * 1024);
      return { options: { path: 'data', compression } };
    },
    // An empty folder (an unmounted disk?) is backed up with a warning.
    async partial(workDir) {
      await mkdir(join(workDir, 'data'));
      return { options: { path: 'data', compression } };
    },
  });
}
