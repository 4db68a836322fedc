import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';

/** How long network targets keep retrying a step by default: a server restarting must not fail the night. */
export const DEFAULT_RETRY_FOR = 60;

/** Waits between tries: 1 s, 2 s, 4 s, 8 s, then 15 s. */
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15_000;
/** How many times a long try that failed late (a transfer cut in its middle) opens a new span of retries. */
const RENEWALS = 3;

export interface RetryOptions {
  /** Seconds, from a step's first failure, during which a transient failure is tried again (0: never). */
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
 * Runs `step`, and runs it again after a transient failure, waiting 1 s, 2 s, 4 s... (at most 15 s) in
 * between, until it succeeds or `retryFor` seconds have passed since its first failure. A try that
 * itself ran longer than `retryFor` before failing (a long transfer cut in its middle) got somewhere:
 * its failure opens a new span, a few times. A failure that is not transient is thrown at once, as it
 * is; one that outlasts the time is thrown as a RetriesExhaustedError (its `last` is the failure).
 */
export async function withRetries<T>(
  what: string,
  step: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const span = options.retryFor * 1000;
  let attempts = 0;
  let failingSince: number | undefined;
  let retries = 0;
  let renewals = 0;
  for (;;) {
    const started = Date.now();
    try {
      return await step(++attempts);
    } catch (error) {
      if (options.signal?.aborted || !options.transient(error) || span <= 0) throw error;
      const now = Date.now();
      if (failingSince === undefined || (now - started >= span && renewals++ < RENEWALS)) {
        failingSince = now;
        retries = 0;
      }
      const left = failingSince + span - now;
      if (left <= 0) throw new RetriesExhaustedError(error, attempts, Math.round((now - failingSince) / 1000));
      const delay = Math.min(FIRST_DELAY_MS * 2 ** retries++, MAX_DELAY_MS, left);
      options.log.warn(
        `${what}: ${options.describe(error)}; trying again in ${Math.ceil(delay / 1000)} s (${Math.ceil(left / 1000)} s left of ${options.retryFor} s)`,
      );
      await options.beforeRetry?.();
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {}).catch(() => {
        throw error; // interrupted while waiting: the failure is what the caller should see
      });
    }
  }
}
