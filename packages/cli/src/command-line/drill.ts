import type { Argv } from 'yargs';
import { globals, last, type Done, type GlobalOptions } from './global.js';

/** `pickup drill`: the newest backups restored into scratch space and checked against what they recorded. */
export function drillCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'drill',
    'Restore the newest backup of each source into scratch space, check it against what the backup recorded, remove it',
    (command) =>
      command
        .option('source', {
          alias: 's',
          type: 'string',
          array: true,
          nargs: 1,
          describe: 'Only this source (repeatable)',
        })
        .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
        .option('json', {
          type: 'boolean',
          describe: 'Print the drill summary as one JSON document on stdout, for scripts',
        }),
    async (args) => {
      const { drillCommand } = await import('../commands/drill.js');
      done(
        await drillCommand({
          ...globals(args),
          sources: args.source ?? [],
          target: args.target === undefined ? undefined : last(args.target),
          json: args.json ?? false,
        }),
      );
    },
  );
}
