import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { RetriesExhaustedError, withRetries, type Logger } from '@pickup/core/plugin';
import { describeS3Error, isServiceError, isTransient } from './client.js';
import type { S3Options } from './options.js';

/** A request that failed for good; its message says which, why, and for how long it was tried. */
export class S3RequestError extends Error {
  override readonly name = 'S3RequestError';
}

/**
 * The client and options of one call of the target, and the way every request goes: `attempt` sends
 * it again after a passing failure (see isTransient) for `retryFor` seconds from its first failure,
 * beyond the SDK's own few quick tries.
 */
export class S3Session {
  constructor(
    readonly client: S3Client,
    readonly opts: S3Options,
    private readonly log: Logger,
    readonly signal: AbortSignal,
    private readonly retryFor = opts.retryFor,
  ) {}

  /** The same client, with other retries or no interruption (a cleanup must run after an interrupted push). */
  with(changes: { retryFor?: number; signal?: AbortSignal }): S3Session {
    return new S3Session(
      this.client,
      this.opts,
      this.log,
      changes.signal ?? this.signal,
      changes.retryFor ?? this.retryFor,
    );
  }

  /**
   * Runs `step` (one request) with retries. A failure of the service ends as an S3RequestError
   * naming `what`; any other error (a local file, a check of ours) is thrown as it is.
   */
  async attempt<T>(what: string, step: (attempt: number) => Promise<T>): Promise<T> {
    const started = Date.now();
    let attempts = 0;
    try {
      const counted = (attempt: number) => {
        attempts = attempt;
        return step(attempt);
      };
      return await withRetries(what, counted, {
        retryFor: this.retryFor,
        transient: isTransient,
        describe: describeS3Error,
        log: this.log,
        signal: this.signal,
      });
    } catch (error) {
      const last = error instanceof RetriesExhaustedError ? error.last : error;
      if (this.signal.aborted || !isServiceError(last)) throw last;
      const tried =
        attempts > 1 ? ` (tried ${attempts} times over ${Math.round((Date.now() - started) / 1000)} s)` : '';
      throw new S3RequestError(`${what}: ${describeS3Error(last)}${tried}`, { cause: last });
    }
  }

  /**
   * `attempt` for a request whose body is a stream, which the SDK does not send again itself: its
   * quick tries (up to `maxAttempts`, with its backoff: a random wait up to 0.2, 0.4, 0.8... s) are
   * made here, `step` giving each a fresh body.
   */
  attemptStreamed<T>(what: string, step: () => Promise<T>): Promise<T> {
    return this.attempt(what, async () => {
      for (let tries = 1; ; tries++) {
        try {
          return await step();
        } catch (error) {
          if (tries >= this.opts.maxAttempts || this.signal.aborted || !isTransient(error)) throw error;
          await sleep(Math.random() * 100 * 2 ** tries, undefined, { signal: this.signal }).catch(() => {
            throw error;
          });
        }
      }
    });
  }
}
