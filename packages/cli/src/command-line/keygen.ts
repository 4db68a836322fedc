import type { Argv } from 'yargs';
import type { Done, GlobalOptions } from './global.js';

/** `pickup keygen`: an age key pair for encryption. */
export function keygenCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'keygen',
    'Make an age key pair for encryption: the private key into a file, the public key (the recipient) printed',
    (command) =>
      command.option('out', {
        alias: 'o',
        type: 'string',
        demandOption: true,
        describe:
          'The file for the private key (created, mode 0600; never overwritten). Keep it off the machine being backed up',
      }),
    async (args) => {
      const { keygenCommand } = await import('../commands/keygen.js');
      done(await keygenCommand({ out: args.out }));
    },
  );
}
