import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { Logger } from '../log/logger.js';

export interface RunToolOptions {
  /** Added to this process's environment; `undefined` unsets a variable. Secrets go here or into a file, never into `args`. */
  env?: Record<string, string | undefined>;
  /** Write the tool's stdout to this file (created, mode 0600); otherwise it is discarded. */
  stdoutFile?: string;
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
export async function runTool(command: string, args: readonly string[], options: RunToolOptions = {}): Promise<{ stderr: string }> {
  const name = basename(command);
  const output = options.stdoutFile ? createWriteStream(options.stdoutFile, { flags: 'wx', mode: 0o600 }) : undefined;
  if (output) await once(output, 'open');
  const env = { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]; // unset, not "undefined"
  const child = spawn(command, args, {
    env,
    stdio: ['ignore', output ? 'pipe' : 'ignore', 'pipe'],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (output) child.stdout!.pipe(output);
  let stderr = '';
  let pending = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) options.log?.debug(`${name}: ${line}`);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new ToolError(`${command} was not found`, null, '') : error),
    );
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  if (pending.trim()) options.log?.debug(`${name}: ${pending}`);
  if (output) {
    output.end();
    await once(output, 'close');
  }
  if (code !== 0) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const last = stderr.trim().split('\n').slice(-3).join(' / ');
    throw new ToolError(`${name} ${how}${last ? `: ${last}` : ''}`, code, stderr);
  }
  return { stderr };
}
