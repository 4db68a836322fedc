import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from '@pickup/core/plugin';

/**
 * The options every source that archives folders takes, so they mean the same everywhere:
 * `...archiveOptions` in a plugin's `z.object({...})`.
 */
export const archiveOptions = {
  /** Glob patterns to leave out, with .gitignore's rules, matched against paths relative to the folder. */
  exclude: z.array(z.string().min(1)).default([]),
  // An object, not a list: its declared type keeps this order in every build (the API report compares it).
  /**
   * `gzip` (readable everywhere), `zstd`: many times faster, needs the `zstd` command here and to restore by hand,
   * or `none`: a plain tar, for a target that stores only what changed from one backup to the next (restic).
   */
  compression: z.enum({ gzip: 'gzip', zstd: 'zstd', none: 'none' }).default('gzip'),
  /** gzip level: 1 is fastest, 9 smallest. */
  gzipLevel: z.number().int().min(1).max(9).default(6),
  /** zstd level: 1 is fastest, 19 smallest. */
  zstdLevel: z.number().int().min(1).max(19).default(3),
  /** A file that vanishes or cannot be read during the backup: `warn` (the source is partial) or `fail`. */
  onUnreadable: z.enum(['warn', 'fail']).default('warn'),
  /** An empty folder is usually a disk that is not mounted: a warning (the source is partial) unless this is set. */
  allowEmpty: z.boolean().default(false),
};

export interface ArchiveOptions {
  exclude: string[];
  compression: 'gzip' | 'zstd' | 'none';
  gzipLevel: number;
  zstdLevel: number;
  onUnreadable: 'warn' | 'fail';
  allowEmpty: boolean;
}

/**
 * Warns when the folder to back up is empty: an unmounted data disk looks just like that, and a
 * "good" empty backup would let retention remove the last real ones (a partial one never does).
 */
export async function warnIfEmpty(
  root: string,
  options: ArchiveOptions,
  warn: (message: string) => void,
): Promise<void> {
  if (!options.allowEmpty && (await readdir(root)).length === 0) {
    warn(`folder ${root} is empty (is its disk mounted?); set allowEmpty: true if it may be`);
  }
}

/** The `onProblem` of `writeTarGz` for these options: a warning (source partial), or the end of the backup. */
export function problemHandler(
  root: string,
  options: ArchiveOptions,
  warn: (message: string) => void,
): (path: string, problem: string) => void {
  return (path, problem) => {
    const message = `${join(root, path)} ${problem}`;
    if (options.onUnreadable === 'fail') throw new Error(`${message} (onUnreadable is "fail")`);
    warn(message);
  };
}

/** The archive's file name ending for these options: `.tar.gz`, `.tar.zst` or `.tar`. */
export function archiveExtension(options: Pick<ArchiveOptions, 'compression'>): string {
  return { gzip: '.tar.gz', zstd: '.tar.zst', none: '.tar' }[options.compression];
}
