import type { InitTemplate } from '@pickup/core/plugin';

/** A character that means something in an exclude pattern: such a path is not written as one. */
const GLOB = /[*?[\]{}()!+@|\\]/;

/** What `pickup init` writes for a folder: its path, and Pickup's own files in it left out. */
export const init: InitTemplate = {
  summary: 'the folder as one .tar.gz',
  asks: ['folders'],
  options: ({ path = '', ownPaths = [] }) => {
    const exclude = ownPaths.filter((own) => !GLOB.test(own)).map((own) => `/${own}`);
    return [
      { name: 'path', value: path },
      exclude.length > 0
        ? { name: 'exclude', value: exclude, comment: "Pickup's own folders and secret files in it; .gitignore-style" }
        : {
            name: 'exclude',
            value: ['*.log', 'cache/'],
            comment: 'what to leave out, .gitignore-style',
            example: true,
          },
    ];
  },
};
