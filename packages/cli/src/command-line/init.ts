import type { Argv } from 'yargs';
import { globals, last, type Done, type GlobalOptions } from './global.js';

/** `pickup init`: a commented config and a package.json, from questions or flags. */
export function initCommandLine<T extends GlobalOptions>(cli: Argv<T>, done: Done): Argv<T> {
  return cli.command(
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
      const { initCommand } = await import('../commands/init.js');
      done(
        await initCommand({
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
        }),
      );
    },
  );
}
