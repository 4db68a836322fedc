import { createReadStream, createWriteStream } from 'node:fs';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { once } from 'node:events';
import { basename } from 'node:path';
import { createDeterministicGzip } from '../streams/gzip.js';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import { hashingStream, rememberDigest } from '../streams/hash.js';
import { spawnTracked } from './children.js';
import { childEnded, failureMessage, howItEnded, lineSplitter, OutputTail } from './child-result.js';

export interface RunToolOptions {
  /** Added to this process's environment; `undefined` unsets a variable. Secrets go here or into a file, never into `args`. */
  env?: Record<string, string | undefined>;
  /** The folder to run it in (default: this process's). */
  cwd?: string;
  /** Write the tool's stdout to this file (created, mode 0600); otherwise it is discarded. */
  stdoutFile?: string;
  /** ...passing it through these transforms first (which may look at it: a count of a dump's rows, say). */
  stdoutTransforms?: Transform[];
  /** Compress that stdout with gzip at this level on the way (streamed, on every core, deterministic). */
  gzipLevel?: number;
  /** Feed this file to the tool's stdin. */
  stdinFile?: string;
  /** ...decompressing it with gunzip on the way. */
  gunzipStdin?: boolean;
  /** ...and through these transforms after that (a rewrite of the SQL on its way, say). */
  stdinTransforms?: Transform[];
  /** The part of the tool's stderr that says why it failed (default: its last three lines). */
  failureOf?(stderr: string): string;
  /** Each line of the tool's stderr is logged at this level (default: debug). */
  log?: Logger;
  signal?: AbortSignal;
}

/** A tool that could not be started or exited with an error; its message explains which and why. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const STDERR_KEPT = 4000;

/**
 * Runs a program (no shell) and resolves when it exits 0. Otherwise rejects with a ToolError naming
 * the tool, its exit code (or signal) and the end of its stderr. Every stderr line is also logged.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<{ stderr: string }> {
  const name = basename(command);
  options.signal?.throwIfAborted(); // interrupted before it began: nothing is started
  const output = options.stdoutFile ? createWriteStream(options.stdoutFile, { flags: 'wx', mode: 0o600 }) : undefined;
  if (output) await once(output, 'open');
  const input = options.stdinFile ? createReadStream(options.stdinFile) : undefined;
  if (input) await once(input, 'open');
  const env = { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]; // unset, not "undefined"
  // Its own process group, recorded: an interruption ends what it started too, and a kill -9 of Pickup
  // does not leave it working beside the next run.
  const child = spawnTracked(command, args, {
    env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: [input ? 'pipe' : 'ignore', output ? 'pipe' : 'ignore', 'pipe'],
    signal: options.signal,
  });
  // Streamed both ways: memory does not grow with the size of a dump. What is written is hashed on
  // the way, for the manifest.
  const hashing = hashingStream();
  const compressing = options.gzipLevel ? [createDeterministicGzip(options.gzipLevel)] : [];
  const piping = Promise.all([
    output && pipeline([child.stdout!, ...(options.stdoutTransforms ?? []), ...compressing, hashing.stream, output]),
    input &&
      pipeline([
        input,
        ...(options.gunzipStdin ? [createGunzip()] : []),
        ...(options.stdinTransforms ?? []),
        child.stdin!,
      ]),
  ]);
  piping.catch(() => {}); // its error is reported below, after the exit code
  const tail = new OutputTail(STDERR_KEPT);
  const lines = lineSplitter((line) => options.log?.debug(`${name}: ${line}`));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    tail.add(chunk);
    lines.write(chunk);
  });
  const end = await childEnded(child, 'close').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new ToolError(`${command} was not found`, null, '') : error;
  });
  lines.end();
  const { code } = end;
  const stderr = tail.text;
  const streamError = await piping.then(
    () => undefined,
    (error: Error) => error,
  );
  // Interrupted while it ran: its end (even a clean one, just then) is not a result to keep.
  if (options.signal?.aborted) throw new ToolError(`${name} was stopped: the run was interrupted`, code, stderr);
  if (code !== 0) {
    const last = options.failureOf ? options.failureOf(stderr) : tail.lastLines(3).join(' / ');
    throw new ToolError(failureMessage(name, howItEnded(end), last), code, stderr);
  }
  if (streamError) throw new ToolError(`${name}: ${streamError.message}`, code, stderr);
  if (options.stdoutFile) await rememberDigest(options.stdoutFile, hashing.sha256());
  return { stderr };
}
