import type { InitAnswers, InitOption } from '@pickup/core/plugin';

/** A character that means something in an exclude pattern: such a path is not written as one. */
const GLOB = /[*?[\]{}()!+@|\\]/;

/**
 * The `with` lines `pickup init` writes for a folder-archiving source: its path, and Pickup's own files
 * in it left out (or, when there are none, an example exclude as a comment).
 */
export function folderInitOptions(
  { path = '', ownPaths = [] }: InitAnswers,
  exampleExclude: readonly string[],
): InitOption[] {
  const exclude = ownPaths.filter((own) => !GLOB.test(own)).map((own) => `/${own}`);
  return [
    { name: 'path', value: path },
    exclude.length > 0
      ? { name: 'exclude', value: exclude, comment: "Pickup's own folders and secret files in it; .gitignore-style" }
      : { name: 'exclude', value: exampleExclude, comment: 'what to leave out, .gitignore-style', example: true },
  ];
}
