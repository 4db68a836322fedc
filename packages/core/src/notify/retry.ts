import pRetry from 'p-retry';

export interface Attempts {
  /** Tries after the first. */
  retries: number;
  /** Seconds each try may take. */
  timeout: number;
}

/** The last error of a send that never succeeded, and how many tries were made. */
export class DeliveryError extends Error {
  constructor(
    readonly last: unknown,
    readonly tries: number,
  ) {
    super(last instanceof Error ? last.message : String(last));
  }
}

/**
 * Tries `send` up to 1 + retries times, waiting 1 s, 2 s, 4 s, ... in between; each try gets a signal
 * that aborts it after `timeout` seconds. A send that throws p-retry's AbortError is not tried again.
 * Rejects with a DeliveryError.
 */
export async function withRetries(attempts: Attempts, send: (signal: AbortSignal) => Promise<void>): Promise<void> {
  let tries = 0;
  try {
    await pRetry(
      () => {
        tries++;
        return send(AbortSignal.timeout(attempts.timeout * 1000));
      },
      { retries: attempts.retries, minTimeout: 1000, factor: 2, randomize: false },
    );
  } catch (error) {
    throw new DeliveryError(error, tries);
  }
}
