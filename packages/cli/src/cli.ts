import yargs from 'yargs';
import { ExitCode } from '@pickup/core/errors'; // not the whole core: --version and --help start fast
import { checkCommandLine } from './command-line/check.js';
import { drillCommandLine } from './command-line/drill.js';
import { globalOptions } from './command-line/global.js';
import { initCommandLine } from './command-line/init.js';
import { keygenCommandLine } from './command-line/keygen.js';
import { listCommandLine } from './command-line/list.js';
import { pluginsCommandLine } from './command-line/plugins.js';
import { pruneCommandLine } from './command-line/prune.js';
import { reportCommandLine } from './command-line/report.js';
import { restoreCommandLine } from './command-line/restore.js';
import { runCommandLine } from './command-line/run.js';
import { verifyCommandLine } from './command-line/verify.js';
import { version } from './version.js';

/** The commands in the order `pickup --help` lists them; each module loads its command only when it runs. */
const COMMANDS = [
  runCommandLine,
  checkCommandLine,
  listCommandLine,
  pruneCommandLine,
  verifyCommandLine,
  restoreCommandLine,
  drillCommandLine,
  reportCommandLine,
  keygenCommandLine,
  pluginsCommandLine,
  initCommandLine,
];

/** Parses the command line and runs the command; resolves to the exit code (see docs/cli.md). */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const done = (code: number) => {
    exitCode = code;
  };
  let parser = globalOptions(
    yargs(argv)
      .scriptName('pickup')
      .usage('$0 [command] [options]\n\nBacks up the sources of pickup.config.ts to its targets.'),
  );
  for (const command of COMMANDS) parser = command(parser, done);
  parser
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
