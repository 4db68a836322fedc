import yargs from 'yargs';
import { ExitCode } from '@pickup/core';
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
    .option('log-format', { choices: ['plain', 'json'] as const, default: 'plain' as const, describe: 'Console output format' })
    .conflicts('verbose', 'quiet')
    .command(
      ['run', '$0'],
      'Back up every source and push the backup to every target (the default)',
      (command) =>
        command
          .option('dry-run', { type: 'boolean', describe: 'Say what would be done; write nothing' })
          .option('only', { type: 'string', array: true, describe: 'Back up only this source (repeatable)' }),
      async (args) => {
        const { runCommand } = await import('./commands/run.js');
        exitCode = await runCommand({ ...globals(args), dryRun: args.dryRun ?? false, only: args.only ?? [] });
      },
    )
    .command('check', 'Check the config, every plugin and the staging area, without backing up', (command) => command, async (args) => {
      const { checkCommand } = await import('./commands/check.js');
      exitCode = await checkCommand(globals(args));
    })
    .command('plugins', 'List the plugins installed and those the config uses', (command) => command, async (args) => {
      const { pluginsCommand } = await import('./commands/plugins.js');
      exitCode = await pluginsCommand(globals(args));
    })
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

function globals(args: { config?: string | undefined; verbose?: boolean | undefined; quiet?: boolean | undefined; logFormat: 'plain' | 'json' }): GlobalArgs {
  return { config: args.config, verbose: args.verbose, quiet: args.quiet, logFormat: args.logFormat };
}
