import type { Argv } from 'yargs';
import { globals, last, type Done, type GlobalOptions } from './global.js';

/** `pickup restore`: a source's backup put back. */
export function restoreCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
    'restore [backup]',
    "Put a source's backup back: fetch it, check it, restore it",
    (command) =>
      command
        .positional('backup', { type: 'string', default: 'latest', describe: 'A backup id, or latest' })
        .option('source', {
          alias: 's',
          type: 'string',
          demandOption: true,
          describe: 'The source to restore (its name in the config)',
        })
        .option('to', {
          type: 'string',
          demandOption: true,
          describe: 'Where to restore to (a folder for a folder source)',
        })
        .option('target', {
          alias: 't',
          type: 'string',
          describe: 'Take the backup from this target (default: the first that has it)',
        })
        .option('force', { type: 'boolean', default: false, describe: 'Write into a folder that is not empty' })
        .option('only', {
          type: 'string',
          array: true,
          nargs: 1,
          describe: 'Restore only this entry of the source (repeatable), where the source supports it',
        })
        .option('identity', {
          alias: 'i',
          type: 'string',
          describe: 'The age identity file (private key) that decrypts an encrypted backup',
        })
        .option('passphrase-file', {
          type: 'string',
          describe: 'The file holding the passphrase of an encrypted backup',
        })
        .option('as', {
          type: 'string',
          coerce: last,
          describe:
            "A database source: restore as this user (one that may create the database and own its objects) instead of the source's",
        })
        .option('password-file', {
          type: 'string',
          coerce: last,
          describe: 'The file whose first line is the password of the --as user',
        }),
    async (args) => {
      const { pickupRestore } = await import('@pickup/core');
      done(
        await pickupRestore({
          ...globals(args),
          which: args.backup,
          source: args.source,
          to: args.to,
          target: args.target,
          force: args.force,
          only: args.only ?? [],
          identityFile: args.identity,
          passphraseFile: args.passphraseFile,
          asUser: args.as,
          passwordFile: args.passwordFile,
        }),
      );
    },
  );
}
