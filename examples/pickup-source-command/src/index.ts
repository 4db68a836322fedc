import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { defineSource, prepareRestoreFolder, runTool } from '@pickup/core/plugin';
import { options, storedName, type CommandSourceOptions } from './options.js';
import { findProgram } from './program.js';

export { options, type CommandSourceOptions };

export default defineSource({
  name: 'pickup-source-command',
  options,
  describe: (opts) => `the output of ${opts.command[0]}`,

  async check({ options: opts, resolvePath }) {
    await findProgram(opts.command[0]!, resolvePath);
  },

  async backup({ options: opts, dir, resolvePath, log, signal, warn }) {
    const [program, ...args] = opts.command;
    const path = await findProgram(program!, resolvePath);
    const output = join(dir, storedName(opts));
    // Streamed into the file (and through gzip): the output may be bigger than memory.
    await runTool(path, args, {
      cwd: resolvePath(opts.cwd ?? '.'),
      env: opts.env,
      stdoutFile: output,
      ...(opts.gzipLevel > 0 ? { gzipLevel: opts.gzipLevel } : {}),
      log,
      signal,
    });
    if (await printedNothing(output, opts)) warn(`${program} printed nothing; is that right?`);
  },

  // One file: there are no parts to choose from.
  filesToRestore(only, paths) {
    if (only.length > 0) throw new Error(`this source stores one file; --only ${only.join(', ')} does not apply`);
    return [...paths];
  },

  /** Writes the output as the command printed it into the folder `to`. */
  async restore({ options: opts, files, to, force, signal }) {
    const stored = files.find((file) => file.path === storedName(opts));
    if (!stored)
      throw new Error(`the backup holds no ${storedName(opts)} (it has: ${files.map((file) => file.path).join(', ')})`);
    const folder = resolve(to);
    await prepareRestoreFolder(folder, force);
    const steps = [createReadStream(stored.localPath), ...(opts.gzipLevel > 0 ? [createGunzip()] : [])];
    await pipeline([...steps, createWriteStream(join(folder, opts.file), { flags: force ? 'w' : 'wx', mode: 0o600 })], {
      signal,
    });
  },
});

async function printedNothing(output: string, opts: CommandSourceOptions): Promise<boolean> {
  const { size } = await stat(output);
  return opts.gzipLevel > 0 ? size <= 20 /* an empty gzip stream */ : size === 0;
}
