import type { Argv } from 'yargs';
import { globals, type Done, type GlobalOptions } from './global.js';

/** `pickup list`: the backups each target holds. */
export function listCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'list',
    'List the backups each target holds',
    (command) =>
      command
        .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
        .option('json', { type: 'boolean', default: false, describe: 'One JSON document, for scripts' }),
    async (args) => {
      const { listCommand } = await import('../commands/list.js');
      done(await listCommand({ ...globals(args), target: args.target, json: args.json }));
    },
  );
}
