import { fromSafeFileName, safeFileName } from '@pickup/core/plugin';

/** Where each top-level entry's archive goes in the source's folder of a backup. */
export const FOLDERS_DIR = 'folders';
/**
 * The archive of everything at the top level that is not a folder (`extension`: `.tar.gz`, `.tar.zst`
 * or `.tar`): it cannot clash with a folder's, which live in FOLDERS_DIR.
 */
export function looseArchiveName(extension: string): string {
  return `top-level-files${extension}`;
}

/** A folder's archive: its name made safe for any target (spaces, unicode, newlines as %XX). */
export function archiveNameOf(folder: string, extension: string): string {
  return `${FOLDERS_DIR}/${safeFileName(folder)}${extension}`;
}

/** The folder name an archive path stands for (any compression), or undefined for the loose-files archive. */
export function folderOf(archivePath: string): string | undefined {
  const match = new RegExp(`^${FOLDERS_DIR}/(.+)\\.tar(\\.gz|\\.zst)?$`).exec(archivePath);
  return match ? fromSafeFileName(match[1]!) : undefined;
}
