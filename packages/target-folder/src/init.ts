import type { InitTemplate } from '@pickup/core/plugin';

/** What `pickup init` writes for a folder on this machine. */
export const init: InitTemplate = {
  summary: 'a folder per backup, unchanged files hard-linked',
  name: 'local',
  asks: ['folder'],
  options: ({ path = '/var/backups/pickup' }) => [
    { name: 'path', value: path },
    { name: 'createPath', value: true, comment: 'create it if missing; false for a disk that may not be mounted' },
  ],
};
