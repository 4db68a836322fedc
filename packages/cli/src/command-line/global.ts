import type { Argv } from 'yargs';
import type { GlobalArgs } from '../session.js';

/** The options every command takes, as yargs parses them. */
export interface GlobalOptions {
  config: string | undefined;
  verbose: boolean | undefined;
  quiet: boolean | undefined;
  logFormat: 'plain' | 'json';
}

/** Told the exit code once a command has run. */
export type Done = (exitCode: number) => void;

/** The options every command takes. */
export function globalOptions(cli: Argv): Argv<GlobalOptions> {
  return cli
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
    .conflicts('verbose', 'quiet') as unknown as Argv<GlobalOptions>; // yargs also types `log-format`, which no command reads
}

/** What the commands take of the global options. */
export function globals(args: GlobalOptions): GlobalArgs {
  return { config: args.config, verbose: args.verbose, quiet: args.quiet, logFormat: args.logFormat };
}

/** A single-valued option given twice: the last one counts, as with most commands. */
export function last(value: string | string[]): string | undefined {
  return Array.isArray(value) ? value.at(-1) : value;
}
