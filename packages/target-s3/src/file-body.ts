import type { Readable } from 'node:stream';
import { fileRangeStream, type FileRange } from '@pickup/core/plugin';

/**
 * Runs `send` with the range as a body read as it goes out: a stream can be read once, so each call
 * opens its own. The SDK pipes it without watching it: a read that fails, or a file shorter than the
 * range, aborts the request (through `send`'s signal), and that failure is what is thrown.
 */
export async function withFileBody<T>(
  range: FileRange,
  signal: AbortSignal,
  send: (body: Readable | Uint8Array, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (range.length === 0) return send(new Uint8Array(0), signal);
  const body = fileRangeStream(range);
  const readFailed = new AbortController();
  let failure: Error | undefined;
  body.on('error', (error) => {
    failure ??= error;
    readFailed.abort(error);
  });
  try {
    return await send(body, AbortSignal.any([signal, readFailed.signal]));
  } catch (error) {
    throw failure ?? error;
  } finally {
    body.destroy();
  }
}
