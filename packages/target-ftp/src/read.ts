import { PassThrough, Writable, type Readable } from 'node:stream';
import { checkedBackupId, checkedBackupPath } from '@pickup/core/plugin';
import type { FtpSession } from './session.js';

/**
 * One file of a backup as a stream, downloaded while the caller reads; its end or error ends the stream
 * and the session. A failure before the first byte is retried as any step; once bytes went out, the
 * error ends the stream (the reader has them already). A missing file fails with ENOENT.
 */
export function readRunFile(session: FtpSession, id: string, path: string): Readable {
  const stream = new PassThrough();
  let delivered = false;
  const file = `${checkedBackupId(id)}/${checkedBackupPath(path)}`;
  session
    // basic-ftp ends the stream it writes to, even after a failure: each try writes through one of its own.
    .attempt(
      `reading ${id}/${path}`,
      (client) =>
        client.downloadTo(
          forwardTo(stream, () => (delivered = true)),
          `${session.root}/${file}`,
        ),
      {
        retryable: () => !delivered,
      },
    )
    .then(
      () => stream.end(),
      (error: Error) => stream.destroy(Object.assign(error, /\b550\b/.test(error.message) ? { code: 'ENOENT' } : {})),
    )
    .finally(() => session.close());
  return stream;
}

/** A writable that passes what it gets on to `into`, minding its backpressure, without ending it. */
function forwardTo(into: PassThrough, onData: () => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      onData();
      if (into.destroyed) return done(new Error('the reader stopped reading'));
      if (into.write(chunk)) return done();
      const resume = () => {
        into.off('drain', resume);
        into.off('close', resume);
        done(into.destroyed ? new Error('the reader stopped reading') : undefined);
      };
      into.on('drain', resume);
      into.on('close', resume);
    },
  });
}
