import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log/logger.js';
import { withRetries } from '../src/net/retry.js';

const transient = (error: unknown) => (error as Error).message.startsWith('dropped');

async function quietLog() {
  const lines: string[] = [];
  const sink = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
  return { lines, logger: await createLogger({ stdout: sink, stderr: sink }) };
}

describe('withRetries', () => {
  it('tries a step again after a passing failure, saying so, until it works', async () => {
    const { lines, logger } = await quietLog();
    let tries = 0;
    const result = await withRetries(
      'uploading x',
      async () => {
        if (++tries < 3) throw new Error('dropped connection');
        return 'done';
      },
      { retryFor: 10, transient, describe: (error) => (error as Error).message, log: logger.log },
    );
    expect(result).toBe('done');
    expect(tries).toBe(3);
    expect(
      lines.filter((line) =>
        /uploading x: dropped connection; trying again in \d+ s \(\d+ s left of 10 s\)/.test(line),
      ),
    ).toHaveLength(2);
  });

  it('throws a lasting failure at once, and one that outlasts retryFor as RetriesExhaustedError', async () => {
    const { logger } = await quietLog();
    const options = { retryFor: 1, transient, describe: String, log: logger.log };
    let tries = 0;
    await expect(
      withRetries(
        'x',
        async () => {
          tries++;
          throw new Error('530 login incorrect');
        },
        options,
      ),
    ).rejects.toThrow('530 login incorrect');
    expect(tries).toBe(1);
    const started = Date.now();
    const failure = await withRetries(
      'x',
      async () => {
        throw new Error('dropped again');
      },
      options,
    ).catch((error: unknown) => error as { name: string; attempts: number; last: Error });
    expect(failure.name).toBe('RetriesExhaustedError');
    expect(failure.attempts).toBeGreaterThanOrEqual(2);
    expect(failure.last.message).toBe('dropped again');
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(
      withRetries(
        'x',
        async () => {
          throw new Error('dropped');
        },
        { ...options, retryFor: 0 },
      ),
    ).rejects.toThrow(/^dropped$/);
  });

  it('a try that ran longer than retryFor before it failed (a long transfer cut midway) gets the time again, a few times', async () => {
    const { logger } = await quietLog();
    let tries = 0;
    const result = await withRetries(
      'sending',
      async () => {
        tries++;
        await sleep(600);
        if (tries < 3) throw new Error('dropped midway');
        return tries;
      },
      { retryFor: 0.5, transient, describe: String, log: logger.log },
    );
    expect(result).toBe(3);
  });

  it('stops waiting when interrupted, with the failure it had', async () => {
    const { logger } = await quietLog();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(
      withRetries(
        'x',
        async () => {
          throw new Error('dropped');
        },
        { retryFor: 60, transient, describe: String, log: logger.log, signal: controller.signal },
      ),
    ).rejects.toThrow(/^dropped$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
