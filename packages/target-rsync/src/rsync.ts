import { ToolError, runTool, type Logger } from '@pickup/core';
import { sshProblem, shellQuote, type Destination } from './remote.js';

/** What rsync's exit codes mean (rsync(1), EXIT VALUES). */
const EXIT_CODES: Record<number, string> = {
  1: 'syntax or usage error',
  2: 'protocol incompatibility',
  3: 'errors selecting input/output files or folders (does the destination folder exist, can it be written?)',
  4: 'requested action not supported',
  5: 'error starting the client-server protocol',
  10: 'error in socket I/O (the connection was lost)',
  11: 'error in file I/O (disk full? permissions?)',
  12: 'error in the rsync protocol data stream (the connection was cut, or the remote side failed)',
  13: 'errors with program diagnostics',
  14: 'error in IPC code',
  20: 'interrupted (SIGINT or SIGUSR1)',
  22: 'could not allocate memory',
  23: 'partial transfer due to error',
  24: 'partial transfer: source files vanished',
  30: 'timeout in data send/receive',
  35: 'timeout waiting for the daemon connection',
};

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

/** Runs rsync with `args` (and the ssh command, for a remote); its exit code is explained in the error. */
export async function rsync(call: RsyncCall, args: string[]): Promise<void> {
  const transport = call.destination.login ? ['-e', ['ssh', ...call.ssh].map(shellQuote).join(' ')] : [];
  try {
    await runTool(call.rsync, [...transport, ...args], { log: call.log, signal: call.signal });
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    if (error.exitCode === null) throw new Error(`${call.rsync} was not found; install rsync or set the rsync option`);
    const meaning = sshProblem(error.exitCode, error.stderr, call.keyscan) ?? EXIT_CODES[error.exitCode] ?? 'see rsync(1), EXIT VALUES';
    // The cause is usually the first line rsync printed ("mkdir ... failed: Permission denied"), the
    // summary ("rsync error: ...") the last. The remote side's lines may be lost when ssh is cut short.
    const cause = error.stderr.split('\n').find((line) => line.trim() !== '' && !/^rsync error:/.test(line));
    throw new Error(`rsync exited with code ${error.exitCode}: ${meaning}${cause ? ` (${cause.trim()})` : ''}`);
  }
}
