import { folderInitOptions } from '@pickup/archive';
import type { InitTemplate } from '@pickup/core/plugin';

/** What `pickup init` writes for a folder split by its subfolders: its path, and Pickup's own files in it left out. */
export const init: InitTemplate = {
  summary: 'one .tar.gz per top-level subfolder, and one for the rest',
  asks: ['folders'],
  options: (answers) => folderInitOptions(answers, ['.cache/', '*.tmp']),
};
