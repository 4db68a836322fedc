import { defineConfig } from '@pickup/cli';

// Paths are relative to this file, so `pickup --config /path/to/pickup.config.ts` works from any
// folder (and from cron).
export default defineConfig({
  sources: [
    {
      name: 'documents',
      use: 'folder', // @pickup/source-folder
      with: { path: './data', exclude: ['*.tmp'] },
    },
  ],
  targets: [
    {
      name: 'local',
      use: 'folder', // @pickup/target-folder
      with: { path: './backups', createPath: true },
    },
  ],
});
