import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup verify`: a backup read back and checked against its manifest. */
export function verifyCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'verify [backup]',
    'Read a backup back from the targets and check every file against its manifest',
    (command) =>
      command
        .positional('backup', { type: 'string', default: 'latest', describe: 'A backup id, or latest' })
        .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
        .option('sample', {
          type: 'number',
          default: 100,
          describe: 'Check this percentage of the files, chosen at random',
        })
        .check((argv) => {
          if (!(argv.sample > 0 && argv.sample <= 100))
            throw new Error('--sample must be a percentage above 0, at most 100');
          return true;
        }),
    async (args) => {
      const { pickupVerify } = await import('@pickup/core');
      done(
        await pickupVerify({
          ...globals(args),
          which: args.backup,
          target: args.target,
          sample: args.sample,
        }),
      );
    },
  );
}
