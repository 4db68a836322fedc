import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup plugins`: the plugins installed and those the config uses. */
export function pluginsCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'plugins',
    'List the plugins installed and those the config uses',
    (command) => command,
    async (args) => {
      const { pluginsCommand } = await import('../commands/plugins.js');
      done(await pluginsCommand(globals(args)));
    },
  );
}
