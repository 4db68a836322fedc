import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup run` (the default command): back up every source, push to every target. */
export function runCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    ['run', '$0'],
    'Back up every source and push the backup to every target (the default)',
    (command) =>
      command
        .option('dry-run', { type: 'boolean', describe: 'Say what would be done; write nothing' })
        .option('only', { type: 'string', array: true, nargs: 1, describe: 'Back up only this source (repeatable)' })
        // No default: yargs' conflicts() would count a default as given.
        .option('json', {
          type: 'boolean',
          describe: 'Print the run summary as one JSON document on stdout, for scripts',
        })
        .option('progress', {
          type: 'boolean',
          default: true,
          describe: 'Live progress on a terminal (never in cron or a pipe); --no-progress hides it',
        })
        .conflicts('json', 'dry-run'),
    async (args) => {
      const { runCommand } = await import('../commands/run.js');
      done(
        await runCommand({
          ...globals(args),
          dryRun: args.dryRun ?? false,
          only: args.only ?? [],
          json: args.json ?? false,
          progress: args.progress,
        }),
      );
    },
  );
}
