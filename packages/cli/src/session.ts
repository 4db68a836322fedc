/** Options every command takes. */
export interface GlobalArgs {
  config?: string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  logFormat: 'plain' | 'json';
}

/**
 * The console of a command that prints one JSON document with `--json`: stdout then belongs to the document,
 * so information lines go to stderr, and only with --verbose.
 */
export function consoleFor(args: GlobalArgs & { json: boolean }): { quiet: boolean; stdout?: NodeJS.WritableStream } {
  return {
    quiet: (args.quiet ?? false) || (args.json && !args.verbose),
    ...(args.json ? { stdout: process.stderr } : {}),
  };
}
