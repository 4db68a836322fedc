/**
 * What ssh's and rsync's words say about a failure between the two machines: a refusal that trying again
 * does not mend (host key, login), a connection that could not be made, or one lost on the way.
 */

/** A failure explained; `transient` when it may pass if tried again (a server restarting). */
export interface Explained {
  message: string;
  transient: boolean;
}

const UNKNOWN_HOST_KEY = /Host key verification failed|No .* host key is known/i;
const CHANGED_HOST_KEY = /REMOTE HOST IDENTIFICATION HAS CHANGED/;
/** ssh names the methods it tried (`Permission denied (publickey).`); rsync's file errors end in `(13)`. */
const LOGIN_REFUSED = /Permission denied \([a-z]/;
/** ssh never got as far as a session. */
const NOT_MADE = /ssh: connect to host|kex_exchange_identification|banner exchange|Could not resolve hostname/i;
/** A session that was there and broke (rsync counts the bytes it had received by then). */
const LOST =
  /closed by remote host|Broken pipe|Connection reset|client_loop:|not responding|connection unexpectedly closed \([1-9]/i;

/** ssh refused to go on: the host key or the login. Trying again changes nothing. */
export function sshRefusal(stderr: string, keyscan: string): string | undefined {
  if (UNKNOWN_HOST_KEY.test(stderr)) {
    return `the server's host key is not known (strict host key checking is on); add it after checking its fingerprint: ${keyscan}`;
  }
  if (CHANGED_HOST_KEY.test(stderr))
    return "the server's host key has CHANGED: someone may be impersonating it; check before you update known hosts";
  if (LOGIN_REFUSED.test(stderr)) return 'ssh refused the login: permission denied (wrong key or user)';
  return undefined;
}

/** Whether the connection was lost after it was made, or never made (as far as the words tell). */
export function connectionLost(stderr: string): boolean {
  return !NOT_MADE.test(stderr) && LOST.test(stderr);
}

/** ssh's exit 255: the connection failed, not the command. Says what went wrong, in its words. */
export function explainSsh(stderr: string, keyscan: string): Explained {
  const refusal = sshRefusal(stderr, keyscan);
  if (refusal) return { message: refusal, transient: false };
  const lines = stderr.trim().split('\n');
  if (connectionLost(stderr))
    return {
      message: `the ssh connection was lost: ${lines.find((line) => LOST.test(line))!.trim()}`,
      transient: true,
    };
  return { message: `ssh could not connect: ${lines.at(-1)?.trim() ?? ''}`, transient: true };
}

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

/** rsync's codes for a connection that failed or stalled (255: ssh's own failure, passed on). */
const CONNECTION_CODES = new Set([10, 12, 30, 35, 255]);
/** The remote side's failures that come out as a cut connection but that trying again does not mend. */
const REMOTE_FAULT = /No space left on device|Disk quota exceeded|Read-only file system|not found/i;

/** rsync's exit code, explained; transient when the connection failed and the remote side did not. */
export function explainRsync(code: number, stderr: string, keyscan: string): Explained {
  const refusal = CONNECTION_CODES.has(code) ? sshRefusal(stderr, keyscan) : undefined;
  if (refusal) return { message: refusal, transient: false };
  const meaning = EXIT_CODES[code] ?? 'see rsync(1), EXIT VALUES';
  if (!CONNECTION_CODES.has(code) || REMOTE_FAULT.test(stderr)) return { message: meaning, transient: false };
  if (connectionLost(stderr)) return { message: 'the connection was lost during the transfer', transient: true };
  if (code === 255 || NOT_MADE.test(stderr)) return { message: 'ssh could not connect', transient: true };
  return { message: meaning, transient: true };
}
