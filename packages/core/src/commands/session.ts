import { ExitCode, isPickupError } from '../errors.js';
import { findConfigFile } from '../config/find.js';
import type { LoadedConfig } from '../config/load.js';
import { createLogger, type Logger, type LoggerOptions, type PickupLogger } from '../log/logger.js';
import { collectSecrets } from '../log/redact.js';
import { buildPlan, loadConfig, type Plan } from '../plugin/plan.js';

/** What every command is told: which config, and how to talk on the console. */
export interface CommandOptions {
  /** The config file; default: $PICKUP_CONFIG, then pickup.config.{ts,mts,js,mjs,json} in the working folder. */
  config?: string | undefined;
  /** Debug lines on the console too, and stack traces. */
  verbose?: boolean | undefined;
  /** Only warnings and errors on the console. */
  quiet?: boolean | undefined;
  /** `plain`: readable lines; `json`: one JSON object a line. */
  logFormat?: 'plain' | 'json' | undefined;
  /** Where information and warnings go (default: this process's stdout and stderr). */
  stdout?: NodeJS.WritableStream | undefined;
  stderr?: NodeJS.WritableStream | undefined;
}

/** A logger to the console only, as each command starts (before it knows where a log file goes). */
export function consoleLogger(options: CommandOptions, extra: Partial<LoggerOptions> = {}): Promise<PickupLogger> {
  return createLogger({
    format: options.logFormat ?? 'plain',
    verbose: options.verbose ?? false,
    quiet: options.quiet ?? false,
    ...(options.stdout ? { stdout: options.stdout } : {}),
    ...(options.stderr ? { stderr: options.stderr } : {}),
    ...extra,
  });
}

/** Finds and loads the config, and has the logger blank its secrets from then on. */
export async function openConfig(options: CommandOptions, logger: PickupLogger): Promise<LoadedConfig> {
  const loaded = await loadConfig(findConfigFile({ explicit: options.config }));
  logger.addSecrets(collectSecrets(loaded.config));
  return loaded;
}

/**
 * Finds, loads and checks the config, and resolves its plugins. From then on the logger blanks the
 * config's secrets (whatever a plugin's check or description might print).
 */
export async function openPlan(options: CommandOptions, logger: PickupLogger): Promise<Plan> {
  return buildPlan(await openConfig(options, logger));
}

/**
 * Runs a command, turning whatever it throws into log lines and an exit code: a PickupError is the
 * user's one-line message; anything else is a bug, shown with its stack only when verbose.
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
export async function withPlan(
  options: CommandOptions,
  body: (plan: Plan, log: Logger) => Promise<number>,
): Promise<number> {
  const logger = await consoleLogger(options);
  const code = await guard(logger.log, options.verbose ?? false, async () =>
    body(await openPlan(options, logger), logger.log),
  );
  await logger.close();
  return code;
}
