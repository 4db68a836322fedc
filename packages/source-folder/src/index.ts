import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineSource, errnoCode, extractTarGz, messageOf, OptionError, prepareRestoreFolder, writeTarGz, z } from '@pickup/core';

export const options = z
  .object({
    /** The folder to back up. Relative paths are relative to the config file. */
    path: z.string().min(1),
    /** Glob patterns to leave out, matched against paths relative to `path`; a pattern without `/` matches at any depth. */
    exclude: z.array(z.string().min(1)).default([]),
    /** gzip level: 1 is fastest, 9 smallest. */
    gzipLevel: z.number().int().min(1).max(9).default(6),
    /** A file that vanishes or cannot be read during the backup: `warn` (the source is partial) or `fail`. */
    onUnreadable: z.enum(['warn', 'fail']).default('warn'),
  })
  .strict();

export type FolderSourceOptions = z.output<typeof options>;

export default defineSource({
  name: '@pickup/source-folder',
  options,
  describe: (opts, resolvePath) => `folder ${resolvePath(opts.path)}`,

  async check({ options: opts, resolvePath }) {
    await assertReadableFolder(resolvePath(opts.path));
  },

  async backup({ options: opts, name, dir, resolvePath, warn, log, signal }) {
    const root = resolvePath(opts.path);
    await assertReadableFolder(root);
    const archive = join(dir, `${name}.tar.gz`);
    const stats = await writeTarGz(root, archive, {
      exclude: opts.exclude,
      gzipLevel: opts.gzipLevel,
      signal,
      onProblem(path, problem) {
        const message = `${join(root, path)} ${problem}`;
        if (opts.onUnreadable === 'fail') throw new Error(`${message} (onUnreadable is "fail")`);
        warn(message);
      },
    });
    log.debug(`archived ${stats.entries} entries, ${stats.files} files, ${stats.bytes} bytes from ${root}`);
  },

  async restore({ name, files, to, force, only, log, signal }) {
    const archive = files.find((file) => file.path === `${name}.tar.gz`);
    if (!archive) throw new Error(`the backup holds no ${name}.tar.gz (it has: ${files.map((file) => file.path).join(', ')})`);
    await prepareRestoreFolder(to, force);
    const stats = await extractTarGz(archive.localPath, to, {
      only,
      signal,
      onSkip: (path, why) => log.warn(`${path} ${why}`),
    });
    log.debug(`extracted ${stats.entries} entries, ${stats.bytes} bytes into ${to}`);
  },
});

async function assertReadableFolder(path: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
    if (isFolder) await readdir(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') throw new OptionError('path', `folder ${path} does not exist; fix the path or create the folder`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new OptionError('path', `folder ${path} cannot be read: permission denied; run pickup as a user who can read it`);
    }
    throw new OptionError('path', `folder ${path} cannot be read: ${messageOf(error)}`);
  }
  if (!isFolder) throw new OptionError('path', `${path} is not a folder`);
}
