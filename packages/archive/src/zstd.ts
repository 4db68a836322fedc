import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * The `zstd` command as a stream (its stdin and stdout) (compressing at `level` on every core, or decompressing with
 * `decompress`). zstd is faster than gzip at a better ratio, but Node has no zstd of its own before 22,
 * so the machine's `zstd` does the work. The returned `finished` resolves once zstd exited 0 and rejects
 * with a clear message otherwise; await it after the pipeline.
 */
export function zstdStream(
  mode: { level: number } | { decompress: true },
  signal?: AbortSignal,
): { input: Writable; output: Readable; finished: Promise<void> } {
  const args = 'decompress' in mode ? ['-d', '-q', '-c'] : ['-q', '-c', `-${mode.level}`, '-T0'];
  const child = spawn('zstd', args, { stdio: ['pipe', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('zstd was not found; install it (Debian: apt install zstd) or set compression: "gzip"')
          : error,
      ),
    );
    child.once('close', (code, killedBy) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `zstd ${killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' / ')}` : ''}`,
          ),
        );
    });
  });
  finished.catch(() => {}); // awaited by the caller after its pipeline
  // zstd's stdin itself: a write's callback comes once the bytes are in the pipe, so the writer may reuse them.
  return { input: child.stdin, output: child.stdout, finished };
}
