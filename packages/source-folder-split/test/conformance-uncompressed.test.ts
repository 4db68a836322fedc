import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compareTrees, describeSource, makeAwkwardTree, writeRandomFile } from '@pickup/testkit';
import folderSplit from '../src/index.js';

// Plain tars, for a target that stores only what changed: the same contract as gzip and zstd.
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
      options: { path: 'home', compression: 'none' },
      restore: {
        to: join(workDir, 'restored'),
        verify: async (to) => expect(await compareTrees(to, home)).toEqual([]),
      },
      change: () => writeFile(join(home, 'alice/added later.txt'), 'a file the first backup does not have\n'),
    };
  },
  broken: () => ({ options: { path: 'no-such-folder', compression: 'none' } }),
  // Without a compressor, only the disk slows the archives: enough data to interrupt them midway.
  async slow(workDir) {
    for (const folder of ['alice', 'bob', 'carol', 'dave']) {
      await mkdir(join(workDir, 'home', folder), { recursive: true });
      for (let i = 0; i < 2; i++)
        await writeRandomFile(join(workDir, 'home', folder, `random-${i}.bin`), 32 * 1024 * 1024);
    }
    await writeFile(join(workDir, 'home/loose file.txt'), 'a file beside the subfolders\n');
    return { options: { path: 'home', compression: 'none' } };
  },
  // An empty folder (an unmounted disk?) is backed up with a warning.
  async partial(workDir) {
    await mkdir(join(workDir, 'home'));
    return { options: { path: 'home', compression: 'none' } };
  },
});
