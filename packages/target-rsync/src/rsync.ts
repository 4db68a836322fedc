import { ToolError, runTool, type Logger } from '@pickup/core/plugin';
import { explainRsync } from './failure.js';
import { shellQuote, type Destination } from './remote.js';

export interface RsyncCall {
  rsync: string;
  ssh: string[];
  extra: string[];
  destination: Destination;
  /** What to run to trust the server's key (for the message when it is unknown). */
  keyscan: string;
  log: Logger;
  signal: AbortSignal;
}

/** `dest` for rsync: `user@host:/path` or the local path. */
export function rsyncPath(destination: Destination, path: string): string {
  return destination.login ? `${destination.login}:${path}` : path;
}

/**
 * Runs rsync with `args` (and the ssh command, for a remote); its exit code is explained in the error,
 * which is `transient` when the connection failed (see explainRsync).
 */
export async function rsync(call: RsyncCall, args: string[]): Promise<void> {
  const transport = call.destination.login ? ['-e', ['ssh', ...call.ssh].map(shellQuote).join(' ')] : [];
  try {
    await runTool(call.rsync, [...transport, ...args], { log: call.log, signal: call.signal });
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    if (error.exitCode === null && error.message.endsWith('was not found')) {
      throw new Error(`${call.rsync} was not found; install rsync or set the rsync option`);
    }
    if (error.exitCode === null) throw error; // killed by a signal (an interruption): its message says which
    const { message, transient } = explainRsync(error.exitCode, error.stderr, call.keyscan);
    // The cause is usually the first line rsync printed ("mkdir ... failed: Permission denied"), the
    // summary ("rsync error: ...") the last. The remote side's lines may be lost when ssh is cut short.
    const cause = error.stderr.split('\n').find((line) => line.trim() !== '' && !/^rsync error:/.test(line));
    throw Object.assign(
      new Error(`rsync exited with code ${error.exitCode}: ${message}${cause ? ` (${cause.trim()})` : ''}`),
      { transient },
    );
  }
}
