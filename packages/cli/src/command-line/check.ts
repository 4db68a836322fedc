import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup check`: the config, every plugin and the staging area, without backing up. */
export function checkCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'check',
    'Check the config, every plugin and the staging area, without backing up',
    (command) => command,
    async (args) => {
      const { pickupCheck } = await import('@pickup/core');
      done(await pickupCheck(globals(args)));
    },
  );
}
