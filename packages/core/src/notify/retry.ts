import pRetry from 'p-retry';

export interface Attempts {
  /** Tries after the first. */
  retries: number;
  /** Seconds each try may take. */
  timeout: number;
}

/**
 * Tries `send` up to 1 + retries times, waiting 1 s, 2 s, 4 s, ... in between; each try gets a signal
 * that aborts it after `timeout` seconds. Rejects with the last error.
 */
export function withRetries(attempts: Attempts, send: (signal: AbortSignal) => Promise<void>): Promise<void> {
  return pRetry(() => send(AbortSignal.timeout(attempts.timeout * 1000)), {
    retries: attempts.retries,
    minTimeout: 1000,
    factor: 2,
    randomize: false,
  });
}
