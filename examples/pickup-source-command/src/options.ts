import { z } from '@pickup/core/plugin';

export const options = z
  .object({
    /** The program and its arguments, run without a shell: `['crontab', '-l']`. */
    command: z.array(z.string().min(1)).min(1),
    /** The name the output is stored under in the backup (`.gz` is added when it is compressed). */
    file: z
      .string()
      .regex(/^[^/\\]+$/, 'a file name, without folders')
      .refine((name) => name !== '.' && name !== '..', 'a file name, not . or ..')
      .default('output'),
    /** The folder to run it in; relative to the config file. Default: the config file's folder. */
    cwd: z.string().min(1).optional(),
    /** Variables added to its environment (a password belongs here, never in `command`). */
    env: z.record(z.string(), z.string()).default({}),
    /** gzip level for the stored output, 1-9; 0 stores it as printed. */
    gzipLevel: z.number().int().min(0).max(9).default(6),
  })
  .strict();

export type CommandSourceOptions = z.output<typeof options>;

/** The stored file's name in the source's folder of a backup. */
export function storedName(opts: CommandSourceOptions): string {
  return opts.gzipLevel > 0 ? `${opts.file}.gz` : opts.file;
}
