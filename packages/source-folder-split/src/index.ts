import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import {
  archiveExtension,
  archiveOptions,
  checkRestoredFolder,
  escapeName,
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
import { archiveNameOf, FOLDERS_DIR, folderOf, looseArchiveName } from './names.js';
import { init } from './init.js';

export const options = z
  .object({
    /** The folder whose top-level entries are backed up one archive each. Relative to the config file. */
    path: z.string().min(1),
    ...archiveOptions,
    /** How many archives are built at once. Default: 1 (each compresses on every core already). */
    concurrency: z.number().int().positive().optional(),
  })
  .strict();

export type FolderSplitSourceOptions = z.output<typeof options>;

export default defineSource({
  name: '@pickup/source-folder-split',
  init,
  options,
  describe: (opts, resolvePath) => `folder ${resolvePath(opts.path)}, one archive per subfolder`,

  async check({ options: opts, resolvePath }) {
    await assertReadableFolder(resolvePath(opts.path));
  },

  async backup({ options: opts, dir, resolvePath, warn, log, signal, progress }) {
    const root = resolvePath(opts.path);
    await assertReadableFolder(root);
    await warnIfEmpty(root, opts, warn);
    const onProblem = problemHandler(root, opts, warn);
    const { folders, loose } = await topLevel(root, onProblem);
    await mkdir(join(dir, FOLDERS_DIR), { mode: 0o700 });
    // Each archive compresses on every core already; more at once add memory (about 10 MB each), not speed.
    const limit = pLimit(opts.concurrency ?? 1);
    const extension = archiveExtension(opts);
    const jobs = folders.map((folder) => ({ only: [folder], file: archiveNameOf(folder, extension) }));
    if (loose.length > 0) jobs.push({ only: loose, file: looseArchiveName(extension) });
    // Archives run side by side: the display gets the sum of what each has read so far.
    const done = { files: 0, bytes: 0 };
    const archived: TarGzStats[] = [];
    const running = new Map<string, TarGzStats>();
    const report = () => {
      let { files, bytes } = done;
      for (const stats of running.values()) {
        files += stats.files;
        bytes += stats.bytes;
      }
      progress?.({ files, bytes });
    };
    // The first failure (or an interruption) stops every archive, and the backup settles only once all
    // have stopped: none is still writing, or yet to start, when the core removes the folder.
    const stop = new AbortController();
    const stopping = AbortSignal.any([signal, stop.signal]);
    let failure: { error: unknown } | undefined;
    await Promise.allSettled(
      jobs.map((job) =>
        limit(async () => {
          try {
            stopping.throwIfAborted();
            const onProgress = (stats: Readonly<TarGzStats>) => {
              running.set(job.file, stats);
              report();
            };
            const archiving = {
              ...opts,
              only: job.only,
              signal: stopping,
              onProblem,
              ...(progress ? { onProgress } : {}),
            };
            const stats = await writeTarGz(root, join(dir, job.file), archiving);
            running.delete(job.file);
            archived.push(stats);
            done.files += stats.files;
            done.bytes += stats.bytes;
            log.debug(`${job.file}: ${stats.entries} entries, ${stats.bytes} bytes`);
          } catch (error) {
            failure ??= { error };
            stop.abort(error);
          }
        }),
      ),
    );
    if (failure) throw failure.error;
    log.debug(`archived ${folders.length} folder(s) and ${loose.length} top-level entries of ${root}`);
    return { facts: folderFacts(archived) };
  },

  compressed: (opts) => opts.compression !== 'none',

  filesToRestore(only, paths) {
    if (only.length === 0) return [...paths];
    const folders = new Map(
      paths.flatMap((path) => (folderOf(path) === undefined ? [] : [[folderOf(path)!, path] as const])),
    );
    const missing = only.filter((name) => !folders.has(name));
    if (missing.length > 0) {
      throw new Error(
        `--only ${missing.join(', ')}: no such folder in this backup (it has: ${[...folders.keys()].join(', ')})`,
      );
    }
    return only.map((name) => folders.get(name)!);
  },

  async restore({ files, to, force, log, signal }) {
    const into = resolve(to); // --to is relative to where the user runs pickup
    await prepareRestoreFolder(into, force);
    await extractAll(files, into, log, signal);
  },

  drill: {
    async restoreAndCheck({ files, facts, scratchDir, log, signal }) {
      const { skipped } = await extractAll(files, scratchDir, log, signal);
      return checkRestoredFolder(scratchDir, facts, skipped);
    },
  },
});

/** Extracts every archive given into `into`; resolves with how many entries could not be made there. */
async function extractAll(
  files: readonly RestoreFile[],
  into: string,
  log: Logger,
  signal: AbortSignal,
): Promise<{ skipped: number }> {
  let skipped = 0;
  for (const file of files) {
    const stats = await extractTarGz(file.localPath, into, {
      signal,
      onSkip: (path, why) => {
        skipped++;
        log.warn(`${path} ${why}`);
      },
    });
    log.debug(`${file.path}: extracted ${stats.entries} entries, ${stats.bytes} bytes into ${into}`);
  }
  return { skipped };
}

/**
 * The top-level folders (each gets an archive) and the other top-level entries (together in one).
 * A symlink to a folder is not a folder here: it is stored as the link it is.
 */
async function topLevel(
  root: string,
  onProblem: (path: string, problem: string) => void,
): Promise<{ folders: string[]; loose: string[] }> {
  const folders: string[] = [];
  const loose: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, encoding: 'buffer' })) {
    const name = entry.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(entry.name)) {
      onProblem(escapeName(entry.name), 'has a name that is not valid UTF-8; rename it to back it up');
      continue;
    }
    (entry.isDirectory() ? folders : loose).push(name);
  }
  return { folders, loose };
}
