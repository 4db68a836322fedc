import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup prune`: each target's retention, now. */
export function pruneCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'prune',
    "Apply each target's retention now",
    (command) =>
      command.option('target', { alias: 't', type: 'string', describe: 'Only this target' }).option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'Show every backup with keep or remove, and why; remove nothing',
      }),
    async (args) => {
      const { pickupPrune } = await import('@pickup/core');
      done(await pickupPrune({ ...globals(args), target: args.target, dryRun: args.dryRun }));
    },
  );
}
