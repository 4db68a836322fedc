import { join, resolve } from 'node:path';
import {
  archiveExtension,
  archiveOptions,
  extractTarGz,
  problemHandler,
  warnIfEmpty,
  writeTarGz,
  type TarGzStats,
} from '@pickup/archive';
import { assertReadableFolder, defineSource, prepareRestoreFolder, z } from '@pickup/core/plugin';
import { init } from './init.js';

export const options = z
  .object({
    /** The folder to back up. Relative paths are relative to the config file. */
    path: z.string().min(1),
    ...archiveOptions,
  })
  .strict();

export type FolderSourceOptions = z.output<typeof options>;

/** What the archive may be named, for every compression a backup may have been made with. */
const ARCHIVE_EXTENSIONS = (['gzip', 'zstd', 'none'] as const).map((compression) => archiveExtension({ compression }));

export default defineSource({
  name: '@pickup/source-folder',
  init,
  options,
  describe: (opts, resolvePath) => `folder ${resolvePath(opts.path)}`,

  async check({ options: opts, resolvePath }) {
    await assertReadableFolder(resolvePath(opts.path));
  },

  async backup({ options: opts, name, dir, resolvePath, warn, log, signal, progress }) {
    const root = resolvePath(opts.path);
    await assertReadableFolder(root);
    await warnIfEmpty(root, opts, warn);
    const archive = join(dir, `${name}${archiveExtension(opts)}`);
    const onProgress = progress && ((stats: TarGzStats) => progress({ files: stats.files, bytes: stats.bytes }));
    const stats = await writeTarGz(root, archive, {
      ...opts,
      signal,
      onProblem: problemHandler(root, opts, warn),
      ...(onProgress ? { onProgress } : {}),
    });
    log.debug(`archived ${stats.entries} entries, ${stats.files} files, ${stats.bytes} bytes from ${root}`);
  },

  compressed: (opts) => opts.compression !== 'none',

  // One archive holds everything: --only (top-level names) is applied while extracting it.
  filesToRestore: (_only, paths) => [...paths],

  async restore({ name, files, to, force, only, log, signal }) {
    // Whichever compression the backup was made with, not the one the config says now.
    const archive = files.find((file) => ARCHIVE_EXTENSIONS.some((extension) => file.path === `${name}${extension}`));
    if (!archive)
      throw new Error(
        `the backup holds no ${name}.tar.gz, .tar.zst or .tar (it has: ${files.map((file) => file.path).join(', ')})`,
      );
    const into = resolve(to); // --to is relative to where the user runs pickup
    await prepareRestoreFolder(into, force);
    const stats = await extractTarGz(archive.localPath, into, {
      only,
      signal,
      onSkip: (path, why) => log.warn(`${path} ${why}`),
    });
    log.debug(`extracted ${stats.entries} entries, ${stats.bytes} bytes into ${into}`);
    const missing = only.filter((entry) => !stats.topLevel.has(entry));
    if (missing.length > 0)
      throw new Error(`--only ${missing.join(', ')}: no such top-level entry in the backup of ${name}`);
  },
});
