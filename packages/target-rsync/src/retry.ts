import { messageOf, withRetries, type Logger, type RetriesExhaustedError } from '@pickup/core/plugin';

/** Runs one step over the connection, again after a connection failure (`attempt` counts from 1). */
export type Retry = <T>(what: string, step: (attempt: number) => Promise<T>) => Promise<T>;

/** Whether a failure may pass if tried again: the errors of ssh and rsync say so (see failure.ts). */
export function isTransient(error: unknown): boolean {
  return (error as { transient?: unknown } | null)?.transient === true;
}

/**
 * Tries each step again for `retryFor` seconds after a transient failure (the core's withRetries: a long
 * transfer cut in its middle gets the time again). Once given up, the error says what failed and for
 * how long it was tried.
 */
export function retrier({ retryFor, log, signal }: { retryFor: number; log: Logger; signal: AbortSignal }): Retry {
  return async (what, step) => {
    try {
      return await withRetries(what, step, { retryFor, transient: isTransient, describe: messageOf, log, signal });
    } catch (error) {
      if (!isExhausted(error)) throw error;
      const tried = `gave up ${what} after ${error.attempts} attempts over ${error.seconds} s`;
      throw Object.assign(new Error(`${messageOf(error.last)}; ${tried}`), { cause: error.last });
    }
  };
}

/** Recognised by name, like the core's own errors: a plugin may bundle another copy of the core. */
function isExhausted(error: unknown): error is RetriesExhaustedError {
  return (error as Error | null)?.name === 'RetriesExhaustedError';
}
