import { folderInitOptions } from '@pickup/archive';
import type { InitTemplate } from '@pickup/core/plugin';

/** What `pickup init` writes for a folder: its path, and Pickup's own files in it left out. */
export const init: InitTemplate = {
  summary: 'the folder as one .tar.gz',
  asks: ['folders'],
  options: (answers) => folderInitOptions(answers, ['*.log', 'cache/']),
};
