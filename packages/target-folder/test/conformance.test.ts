import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget, pathsUnder } from '@pickup/testkit';
import folder from '../src/index.js';

describeTarget(folder, {
  module: new URL('../dist/index.js', import.meta.url),
  async setup(workDir) {
    await mkdir(join(workDir, 'backups'));
    return { options: { path: 'backups' }, contents: () => pathsUnder(join(workDir, 'backups')) };
  },
  broken: (workDir) => ({
    options: { path: 'no-such-folder' },
    contents: () => pathsUnder(join(workDir, 'no-such-folder')),
  }),
});
