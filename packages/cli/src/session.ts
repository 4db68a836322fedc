import {
  buildPlan,
  collectSecrets,
  createLogger,
  ExitCode,
  findConfigFile,
  isPickupError,
  loadConfig,
  type LoadedConfig,
  type Logger,
  type LoggerOptions,
  type Plan,
  type PickupLogger,
} from '@pickup/core';

/** Options every command takes. */
export interface GlobalArgs {
  config?: string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  logFormat: 'plain' | 'json';
}

/** A logger to the console only, as each command starts (before it knows where a log file goes). */
export function consoleLogger(args: GlobalArgs, extra: Partial<LoggerOptions> = {}): Promise<PickupLogger> {
  return createLogger({ format: args.logFormat, verbose: args.verbose ?? false, quiet: args.quiet ?? false, ...extra });
}

/**
 * Finds, loads and checks the config, and resolves its plugins. From then on the logger blanks the
 * config's secrets (whatever a plugin's check or description might print).
 */
export async function openPlan(args: GlobalArgs, logger: PickupLogger): Promise<Plan> {
  return buildPlan(await openConfig(args, logger));
}

/** Finds and loads the config, and has the logger blank its secrets from then on. */
export async function openConfig(args: GlobalArgs, logger: PickupLogger): Promise<LoadedConfig> {
  const loaded = await loadConfig(findConfigFile({ explicit: args.config }));
  logger.addSecrets(collectSecrets(loaded.config));
  return loaded;
}

/**
 * Runs a command, turning whatever it throws into log lines and an exit code: a PickupError is the
 * user's one-line message; anything else is a bug, shown with its stack only under --verbose.
 */
export async function guard(log: Logger, verbose: boolean, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (isPickupError(error)) {
      const problems = (error as { problems?: string[] }).problems ?? [error.message];
      for (const problem of problems) log.error(problem);
      return error.exitCode;
    }
    log.error({ err: error }, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (!verbose) log.error('run again with --verbose for details');
    return ExitCode.fatal;
  }
}

/**
 * The shape of every command that works from the config: a console logger, the plan, the command's
 * body under `guard`, the logger closed. Resolves to the exit code.
 */
export async function withPlan(args: GlobalArgs, body: (plan: Plan, log: Logger) => Promise<number>): Promise<number> {
  const logger = await consoleLogger(args);
  const code = await guard(logger.log, args.verbose ?? false, async () => body(await openPlan(args, logger), logger.log));
  await logger.close();
  return code;
}
