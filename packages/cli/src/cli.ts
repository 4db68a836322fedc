import yargs from 'yargs';
import { ExitCode } from '@pickup/core/errors'; // not the whole core: --version and --help start fast
import type { GlobalArgs } from './session.js';
import { version } from './version.js';

/** Parses the command line and runs the command; resolves to the exit code (see docs/cli.md). */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const parser = yargs(argv)
    .scriptName('pickup')
    .usage('$0 [command] [options]\n\nBacks up the sources of pickup.config.ts to its targets.')
    .option('config', {
      alias: 'c',
      type: 'string',
      describe: 'Config file (default: $PICKUP_CONFIG, then pickup.config.{ts,mts,js,mjs,json} here)',
    })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Debug lines and stack traces on the console' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Only warnings and errors on the console' })
    .option('log-format', {
      choices: ['plain', 'json'] as const,
      default: 'plain' as const,
      describe: 'Console output format',
    })
    .conflicts('verbose', 'quiet')
    .command(
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
        const { runCommand } = await import('./commands/run.js');
        exitCode = await runCommand({
          ...globals(args),
          dryRun: args.dryRun ?? false,
          only: args.only ?? [],
          json: args.json ?? false,
          progress: args.progress,
        });
      },
    )
    .command(
      'check',
      'Check the config, every plugin and the staging area, without backing up',
      (command) => command,
      async (args) => {
        const { pickupCheck } = await import('@pickup/core');
        exitCode = await pickupCheck(globals(args));
      },
    )
    .command(
      'list',
      'List the backups each target holds',
      (command) =>
        command
          .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
          .option('json', { type: 'boolean', default: false, describe: 'One JSON document, for scripts' }),
      async (args) => {
        const { listCommand } = await import('./commands/list.js');
        exitCode = await listCommand({ ...globals(args), target: args.target, json: args.json });
      },
    )
    .command(
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
        exitCode = await pickupPrune({ ...globals(args), target: args.target, dryRun: args.dryRun });
      },
    )
    .command(
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
        exitCode = await pickupVerify({
          ...globals(args),
          which: args.backup,
          target: args.target,
          sample: args.sample,
        });
      },
    )
    .command(
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
        exitCode = await pickupRestore({
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
        });
      },
    )
    .command(
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
        const { keygenCommand } = await import('./commands/keygen.js');
        exitCode = await keygenCommand({ out: args.out });
      },
    )
    .command(
      'plugins',
      'List the plugins installed and those the config uses',
      (command) => command,
      async (args) => {
        const { pluginsCommand } = await import('./commands/plugins.js');
        exitCode = await pluginsCommand(globals(args));
      },
    )
    .command(
      'init',
      'Write a commented pickup.config.ts and a package.json, asking a few questions (or taking flags)',
      (command) =>
        command
          .option('dir', {
            type: 'string',
            coerce: last,
            describe: 'The folder to write them into (default: this one)',
          })
          .option('yes', {
            alias: 'y',
            type: 'boolean',
            default: false,
            describe: 'Ask nothing: the flags given, defaults for the rest',
          })
          .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing config' })
          .option('source', {
            type: 'string',
            array: true,
            nargs: 1,
            describe:
              'What to back up: a source plugin, folder, folder-split, postgres, mysql... (repeatable; default folder)',
          })
          .option('source-path', {
            type: 'string',
            array: true,
            nargs: 1,
            describe: 'A folder to back up (repeatable; default /etc)',
          })
          .option('database', {
            type: 'string',
            array: true,
            nargs: 1,
            describe: 'A database to back up (repeatable; default all)',
          })
          .option('db-host', { type: 'string', coerce: last, describe: 'The database server (default 127.0.0.1)' })
          .option('db-port', {
            type: 'string',
            coerce: last,
            describe: 'Its port (default 5432 for postgres, 3306 for mysql)',
          })
          .option('target', {
            type: 'string',
            coerce: last,
            describe: 'Where to store: a target plugin, folder, ftp, rsync, s3, restic... (default folder)',
          })
          .option('target-path', {
            type: 'string',
            coerce: last,
            describe:
              'The folder for the backups (default /var/backups/pickup), or the folder at the ftp or rsync server',
          })
          .option('target-host', { type: 'string', coerce: last, describe: 'The ftp or rsync server' })
          .option('target-user', {
            type: 'string',
            coerce: last,
            describe: 'The user at the ftp or rsync server (default backup)',
          })
          .option('keep', {
            type: 'string',
            coerce: last,
            describe: 'How many backups to keep: the newest N (retention keepLast; default 7)',
          })
          .option('install', {
            type: 'boolean',
            default: true,
            describe: 'Run npm install in the folder for plugins not installed yet (--no-install: fail instead)',
          }),
      async (args) => {
        const { initCommand } = await import('./commands/init.js');
        exitCode = await initCommand({
          ...globals(args),
          dir: args.dir,
          yes: args.yes,
          force: args.force,
          source: args.source,
          sourcePath: args.sourcePath,
          database: args.database,
          dbHost: args.dbHost,
          dbPort: args.dbPort,
          target: args.target,
          targetPath: args.targetPath,
          targetHost: args.targetHost,
          targetUser: args.targetUser,
          keep: args.keep,
          install: args.install,
        });
      },
    )
    .strict()
    .version(version)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw new UsageError(message || error?.message || 'invalid command line');
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pickup: ${error.message}; see pickup --help\n`);
    return ExitCode.usage;
  }
  return exitCode;
}

class UsageError extends Error {}

/** A single-valued option given twice: the last one counts, as with most commands. */
function last(value: string | string[]): string | undefined {
  return Array.isArray(value) ? value.at(-1) : value;
}

function globals(args: {
  config?: string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  logFormat: 'plain' | 'json';
}): GlobalArgs {
  return { config: args.config, verbose: args.verbose, quiet: args.quiet, logFormat: args.logFormat };
}
