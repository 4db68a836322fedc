import { closeSync, fstatSync, lstatSync, openSync, read, readSync, type Stats } from 'node:fs';

// Archiving a tree makes a handful of file system calls per file. Made asynchronously, each one is a
// round trip through libuv's thread pool that costs the main thread more than the call itself: on a
// tree of 100,000 small files that tripled the time tar takes. So, like tar, the metadata calls and
// the reads of small files are made synchronously (microseconds each, from the page cache); only the
// content of big files is read asynchronously, chunk by chunk. The price: while one of these calls
// waits on a slow disk or a hung network mount, the whole process waits with it.

export const openFd = (path: string, flags: number): number => openSync(path, flags);
export const fstatFd = (fd: number): Stats => fstatSync(fd);
export const closeFd = (fd: number): void => closeSync(fd);
export const lstatPath = (path: string): Stats => lstatSync(path);

/** Reads all of a small file into `buffer` (fewer bytes if it shrank); returns how many were read. */
export function readSmall(fd: number, buffer: Buffer): number {
  let filled = 0;
  for (let read = -1; read !== 0 && filled < buffer.length; filled += read)
    read = readSync(fd, buffer, filled, buffer.length - filled, filled);
  return filled;
}

/** One chunk of a big file, read on the thread pool. */
export const readChunk = (fd: number, buffer: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))),
  );
