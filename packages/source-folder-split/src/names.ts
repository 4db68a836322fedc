/** Where each top-level entry's archive goes in the source's folder of a backup. */
export const FOLDERS_DIR = 'folders';
/** The archive of everything at the top level that is not a folder: it cannot clash with a folder's, which live in FOLDERS_DIR. */
export const LOOSE_ARCHIVE = 'top-level-files.tar.gz';

/**
 * A folder's name as a file name any target keeps as is: letters, digits, `.`, `_` and `-` stay,
 * every other byte (spaces, unicode, newlines) becomes %XX, as in a URL.
 */
export function archiveNameOf(folder: string): string {
  const safe = [...Buffer.from(folder, 'utf8')]
    .map((byte) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  return `${FOLDERS_DIR}/${safe}.tar.gz`;
}

/** The folder name an archive path stands for, or undefined for the loose-files archive. */
export function folderOf(archivePath: string): string | undefined {
  const match = new RegExp(`^${FOLDERS_DIR}/(.+)\\.tar\\.gz$`).exec(archivePath);
  return match ? decodeURIComponent(match[1]!) : undefined;
}
