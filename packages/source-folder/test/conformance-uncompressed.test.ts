import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compareTrees, describeSource, makeAwkwardTree, writeRandomFile } from '@pickup/testkit';
import folder from '../src/index.js';

// A plain tar, for a target that stores only what changed: the same contract as gzip and zstd.
describeSource(folder, {
  async setup(workDir) {
    const data = join(workDir, 'data');
    await mkdir(data);
    await makeAwkwardTree(data, { bigFile: 2 * 1024 * 1024 });
    return {
      options: { path: 'data', compression: 'none' },
      restore: {
        to: join(workDir, 'restored'),
        verify: async (to) => expect(await compareTrees(to, data)).toEqual([]),
      },
      change: () => writeFile(join(data, 'added later.txt'), 'a file the first backup does not have\n'),
    };
  },
  broken: () => ({ options: { path: 'no-such-folder', compression: 'none' } }),
  // Without a compressor, only the disk slows the archive: enough data to interrupt it midway.
  async slow(workDir) {
    await mkdir(join(workDir, 'data'));
    for (let i = 0; i < 8; i++) await writeRandomFile(join(workDir, `data/random-${i}.bin`), 16 * 1024 * 1024);
    return { options: { path: 'data', compression: 'none' } };
  },
  // An empty folder (an unmounted disk?) is backed up with a warning.
  async partial(workDir) {
    await mkdir(join(workDir, 'data'));
    return { options: { path: 'data', compression: 'none' } };
  },
});
