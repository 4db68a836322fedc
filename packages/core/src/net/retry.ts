import pRetry from 'p-retry';
import type { Logger } from '../log/logger.js';

/** How long network targets keep retrying a step by default: a server restarting must not fail the night. */
export const DEFAULT_RETRY_FOR = 60;

export interface RetryOptions {
  /** Seconds, from the first try, during which a transient failure is tried again (0: never). */
  retryFor: number;
  /** Whether a failure may pass if tried again (a dropped connection, a 5xx); anything else fails at once. */
  transient(error: unknown): boolean;
  /** The failure in words, for the warning before each retry. */
  describe(error: unknown): string;
  log: Logger;
  signal?: AbortSignal | undefined;
  /** Run before each retry (close a broken connection). */
  beforeRetry?(): void | Promise<void>;
}

/** A step that failed for good: the last failure, after how many tries over how long. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    readonly seconds: number,
  ) {
    super(`gave up after ${attempts} attempts over ${seconds} s`, { cause: last });
  }
}

/**
 * Runs `step`, and runs it again after a transient failure, waiting 1 s, 2 s, 4 s... (at most 15 s)
 * in between, until it succeeds or `retryFor` seconds have passed since the first try. A failure that
 * is not transient is thrown at once, as it is; one that outlasts the time is thrown as a
 * RetriesExhaustedError (its `last` is the failure).
 */
export async function withRetries<T>(what: string, step: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  let transient = false;
  try {
    return await pRetry(
      async () => {
        attempts++;
        return step(attempts);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxRetryTime: options.retryFor * 1000,
        minTimeout: 1000,
        maxTimeout: 15_000,
        factor: 2,
        randomize: false,
        ...(options.signal ? { signal: options.signal } : {}),
        shouldRetry: ({ error }) => {
          transient = options.transient(error);
          return transient;
        },
        onFailedAttempt: async ({ error }) => {
          transient = options.transient(error);
          const left = options.retryFor * 1000 - (Date.now() - started);
          if (!transient || left <= 0) return;
          options.log.warn(`${what}: ${options.describe(error)}; trying again (${Math.ceil(left / 1000)} s left of ${options.retryFor} s)`);
          await options.beforeRetry?.();
        },
      },
    );
  } catch (error) {
    if (!transient || attempts < 2 || options.signal?.aborted) throw error;
    throw new RetriesExhaustedError(error, attempts, Math.round((Date.now() - started) / 1000));
  }
}
