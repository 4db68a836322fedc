/**
 * Exit codes of the `pickup` command. Documented in docs/cli.md; keep both in step.
 */
export const ExitCode = {
  ok: 0,
  /** Some source or target failed; the rest was done. */
  partial: 1,
  /** The config or the command line is wrong; nothing was done. */
  usage: 2,
  /** Pickup itself could not go on (staging, lock file, an internal error); nothing was pushed. */
  fatal: 3,
  /** Another run of the same config holds the lock; nothing was done. */
  locked: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error meant for the user: a one-line message that says what is wrong and what to do,
 * and the exit code it stands for. Anything else that escapes is a bug (exit code 3, stack with --verbose).
 */
export class PickupError extends Error {
  override readonly name = 'PickupError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A problem with the config file or a plugin's options (exit code 2). */
export class ConfigError extends PickupError {
  constructor(
    message: string,
    /** Every problem found, one line each, so the user can fix them all at once. */
    readonly problems: string[] = [message],
  ) {
    super(message, ExitCode.usage);
  }
}

export function isPickupError(error: unknown): error is PickupError {
  return error instanceof Error && error.name === 'PickupError' && 'exitCode' in error;
}

/** The system error code (ENOENT, ENOSPC, ...) of an error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of anything thrown, for a log line. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Thrown by a plugin when one of its options is the problem (a folder that does not exist). The core
 * names the config file and the field: `pickup.config.ts: sources[0].with.path: folder /x does not exist`.
 */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    /** The option's path below `with`: `path`, `tls.ca`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a target's `remove` when the storage refuses to delete a backup that is still under a lock
 * (S3 object lock): retention keeps it, says so, and removes it once the lock has passed.
 */
export class BackupLockedError extends Error {
  override readonly name = 'BackupLockedError';
  readonly code = 'ELOCKED';
  constructor(
    readonly id: string,
    readonly until?: Date,
  ) {
    super(`locked${until ? ` until ${until.toISOString()}` : ''}: the storage refuses to remove it before`);
  }
}

/** A BackupLockedError, also from a plugin that brought its own copy of the core. */
export function isLockedError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ELOCKED';
}
