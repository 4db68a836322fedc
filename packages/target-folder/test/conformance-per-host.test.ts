import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describeTarget, pathsUnder, type TargetFixture } from '@pickup/testkit';
import folder from '../src/index.js';

// A `path` of one folder per host: this machine's, named by its host name, and other hosts' beside it.
describeTarget(folder, {
  module: new URL('../dist/index.js', import.meta.url),
  async setup(workDir) {
    const store = join(workDir, 'backups');
    await mkdir(store);
    const forHost = (host: string): TargetFixture => ({
      options: { path: 'backups', perHost: true, host },
      contents: () => pathsUnder(join(store, host)),
    });
    return {
      options: { path: 'backups', perHost: true },
      contents: () => pathsUnder(join(store, hostname())),
      forHost,
    };
  },
  broken: (workDir) => ({
    options: { path: 'no-such-folder', perHost: true, host: 'web1' },
    contents: () => pathsUnder(join(workDir, 'no-such-folder')),
  }),
});
