import { spawn, type ChildProcess } from 'node:child_process';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import { isGroupAlive, killGroup } from '../process/alive.js';
import { childEnded, failureMessage, howItEnded, lineSplitter, OutputTail } from '../process/child-result.js';
import type { HookCommand } from './schema.js';

export interface HookRun {
  /** For messages: `before hook`, `after hook of source db`. */
  label: string;
  command: HookCommand;
  /** The config's folder: relative paths in a hook mean the same as in the config. */
  cwd: string;
  /** PICKUP_* variables, added to this process's environment. */
  env: Record<string, string>;
  timeoutMs: number;
  log: Logger;
  signal: AbortSignal;
  /** Written to the hook's stdin (the run summary, for the run's after hook). */
  stdin?: string;
}

/** A hook that could not start, exited non-zero, was killed or timed out. */
export class HookError extends Error {
  override readonly name = 'HookError';
}

const OUTPUT_KEPT = 4000;
const KILL_GRACE_MS = 5000;
/** How long output may stay open after the hook exits (something it left running in the background holds it). */
const OUTPUT_GRACE_MS = 1000;

/**
 * Runs one hook and resolves when it exits 0. Its output (stdout and stderr, as they come) goes to the
 * debug log; when it fails, the last lines are logged as errors and the HookError says why.
 */
export async function runHook(hook: HookRun): Promise<void> {
  const [program, ...args] = typeof hook.command === 'string' ? ['/bin/sh', '-c', hook.command] : hook.command;
  hook.log.info(`${hook.label}: running ${describeCommand(hook.command)}`);
  // Its own process group, so a timeout or an interruption stops whatever the hook started too.
  const child = spawn(program!, args, {
    cwd: hook.cwd,
    env: { ...process.env, ...hook.env },
    stdio: [hook.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (hook.stdin !== undefined) {
    child.stdin!.on('error', () => {}); // a hook that does not read its stdin is fine
    child.stdin!.end(hook.stdin);
  }
  const output = new OutputTail(OUTPUT_KEPT);
  const loggers = [child.stdout!, child.stderr!].map((stream) => {
    const lines = lineSplitter((line) => hook.log.debug(`${hook.label}: ${line}`)); // one each: lines of the two never mix
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output.add(chunk);
      lines.write(chunk);
    });
    return lines;
  });
  let stopped: string | undefined;
  let killer: NodeJS.Timeout | undefined;
  const stop = (why: string) => {
    if (stopped || child.exitCode !== null || child.pid === undefined) return;
    stopped = why;
    killGroup(child.pid, 'SIGTERM');
    killer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), KILL_GRACE_MS);
    killer.unref();
  };
  const timer = setTimeout(() => stop(`timed out after ${Math.round(hook.timeoutMs / 1000)} s`), hook.timeoutMs);
  const onAbort = () => stop('interrupted');
  hook.signal.addEventListener('abort', onAbort);
  if (hook.signal.aborted) onAbort(); // interrupted before it started: an abort that fired will not fire again
  try {
    const end = await childEnded(child, 'exit').catch((error: NodeJS.ErrnoException) => {
      throw new HookError(
        `${hook.label}: cannot run ${program}: ${error.code === 'ENOENT' ? 'not found' : error.message}`,
      );
    });
    await outputClosed(child, OUTPUT_GRACE_MS);
    for (const lines of loggers) lines.end();
    if (end.code === 0 && !stopped) return;
    const last = output.lastLines(10);
    for (const line of last) if (line.trim()) hook.log.error(`${hook.label}: ${line}`);
    throw new HookError(failureMessage(hook.label, stopped ?? howItEnded(end), last.at(-1)?.trim()));
  } finally {
    clearTimeout(timer);
    // Whatever it started in its group may still be going after SIGTERM: the SIGKILL stays due then.
    if (killer && !isGroupAlive(child.pid!)) clearTimeout(killer);
    hook.signal.removeEventListener('abort', onAbort);
  }
}

/** `systemctl stop app` (a shell line as it is; an argv joined, quoted where needed). */
export function describeCommand(command: HookCommand): string {
  if (typeof command === 'string') return command;
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}

/**
 * Waits for the hook's output to close, at most `ms` after it exited; then lets go of it, so a
 * background process the hook started (and left running on purpose) cannot hold the run.
 */
async function outputClosed(child: ChildProcess, ms: number): Promise<void> {
  if (child.stdout!.closed && child.stderr!.closed) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([closed, late]);
  clearTimeout(timer);
  child.stdout!.destroy();
  child.stderr!.destroy();
}
