import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget } from '@pickup/testkit';
import folder from '../src/index.js';

describeTarget(folder, {
  async setup(workDir) {
    await mkdir(join(workDir, 'backups'));
    return { options: { path: 'backups' } };
  },
  broken: () => ({ options: { path: 'no-such-folder' } }),
});
