import type { Argv } from 'yargs';
import { globals, last, type Done, type GlobalOptions } from './global.js';

/** `pickup report`: every host's backups at the targets several hosts share. */
export function reportCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'report',
    "Show every host's newest backup at the targets several hosts share (an S3 bucket, a restic repository, a folder of per-host folders)",
    (command) =>
      command
        .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
        .option('max-age', {
          type: 'string',
          describe: 'Exit 1 when a host has no complete backup this recent (26h, 2d, 1w), naming it on stderr',
        })
        .option('json', { type: 'boolean', describe: 'Print the report as one JSON document on stdout, for scripts' })
        .option('html', {
          type: 'string',
          describe: 'Also write the report as one self-contained HTML page to this file',
        }),
    async (args) => {
      const { reportCommand } = await import('../commands/report.js');
      const single = (value: string | string[] | undefined) => (value === undefined ? undefined : last(value));
      done(
        await reportCommand({
          ...globals(args),
          target: single(args.target),
          maxAge: single(args.maxAge),
          html: single(args.html),
          json: args.json ?? false,
        }),
      );
    },
  );
}
