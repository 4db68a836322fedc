import { Transform, type TransformCallback } from 'node:stream';
import { createGzip } from 'node:zlib';

/** Byte 9 of a gzip header names the OS that wrote it; 255 means unknown. */
const OS_BYTE = 9;
const OS_UNKNOWN = 255;

/**
 * A gzip stream whose bytes depend only on its input and level: zlib already writes no name and a
 * zero time, and the OS byte, which differs between platforms, is set to "unknown".
 */
export function createDeterministicGzip(level: number): [Transform, Transform] {
  return [createGzip({ level }), normalizeOsByte()];
}

function normalizeOsByte(): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (offset <= OS_BYTE && OS_BYTE < offset + chunk.length) chunk[OS_BYTE - offset] = OS_UNKNOWN;
      offset += chunk.length;
      callback(null, chunk);
    },
  });
}
