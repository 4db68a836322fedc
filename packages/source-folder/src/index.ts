import { join, resolve } from 'node:path';
import {
  archiveExtension,
  archiveOptions,
  checkRestoredFolder,
  extractTarGz,
  folderFacts,
  problemHandler,
  warnIfEmpty,
  writeTarGz,
  type TarGzStats,
} from '@pickup/archive';
import {
  assertReadableFolder,
  defineSource,
  prepareRestoreFolder,
  z,
  type Logger,
  type RestoreFile,
} from '@pickup/core/plugin';
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
    return { facts: folderFacts([stats]) };
  },

  compressed: (opts) => opts.compression !== 'none',

  // One archive holds everything: --only (top-level names) is applied while extracting it.
  filesToRestore: (_only, paths) => [...paths],

  async restore({ name, files, to, force, only, log, signal }) {
    const into = resolve(to); // --to is relative to where the user runs pickup
    await prepareRestoreFolder(into, force);
    await extract(name, files, into, { only, log, signal });
  },

  drill: {
    async restoreAndCheck({ name, files, facts, scratchDir, log, signal }) {
      const { skipped } = await extract(name, files, scratchDir, { only: [], log, signal });
      return checkRestoredFolder(scratchDir, facts, skipped);
    },
  },
});

/** Extracts the backup's archive into `into`; resolves with how many entries could not be made there. */
async function extract(
  name: string,
  files: readonly RestoreFile[],
  into: string,
  how: { only: readonly string[]; log: Logger; signal: AbortSignal },
): Promise<{ skipped: number }> {
  // Whichever compression the backup was made with, not the one the config says now.
  const archive = files.find((file) => ARCHIVE_EXTENSIONS.some((extension) => file.path === `${name}${extension}`));
  if (!archive)
    throw new Error(
      `the backup holds no ${name}.tar.gz, .tar.zst or .tar (it has: ${files.map((file) => file.path).join(', ')})`,
    );
  let skipped = 0;
  const stats = await extractTarGz(archive.localPath, into, {
    only: how.only,
    signal: how.signal,
    onSkip: (path, why) => {
      skipped++;
      how.log.warn(`${path} ${why}`);
    },
  });
  how.log.debug(`extracted ${stats.entries} entries, ${stats.bytes} bytes into ${into}`);
  const missing = how.only.filter((entry) => !stats.topLevel.has(entry));
  if (missing.length > 0)
    throw new Error(`--only ${missing.join(', ')}: no such top-level entry in the backup of ${name}`);
  return { skipped };
}
