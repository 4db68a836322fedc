import { PassThrough, type Readable } from 'node:stream';
import { spawnTracked, ToolError, type Logger } from '@pickup/core/plugin';
import { explainSsh } from './failure.js';
import type { RsyncOptions } from './options.js';

/** Where the backups are: a folder on this machine, or on `host` over ssh. */
export interface Destination {
  host?: string | undefined;
  /** `user@host`, for ssh. */
  login?: string | undefined;
  root: string;
}

export function parseDest(dest: string, resolvePath: (path: string) => string): Destination {
  const remote = /^(?:([^@/:]+)@)?([^/:]+):(.+)$/.exec(dest);
  if (!remote) return { root: resolvePath(dest).replace(/\/+$/, '') || '/' };
  const [, user, host, path] = remote as unknown as [string, string | undefined, string, string];
  return { host, login: user ? `${user}@${host}` : host, root: path.replace(/\/+$/, '') || '/' };
}

/** `backup@nas:/srv/backups` or `/mnt/usb/backups`, for messages. */
export function describeDest(destination: Destination): string {
  return destination.login ? `${destination.login}:${destination.root}` : destination.root;
}

/** The command that adds the server's key to the known hosts the target uses. */
export function keyscanLine(
  destination: Destination,
  options: RsyncOptions,
  resolvePath: (path: string) => string,
): string {
  const knownHosts = options.knownHostsFile ? resolvePath(options.knownHostsFile) : '~/.ssh/known_hosts';
  return `ssh-keyscan${options.port ? ` -p ${options.port}` : ''} ${destination.host ?? 'HOST'} >> ${knownHosts}`;
}

/** ssh's options: batch mode (no prompt under cron), the key, the known hosts, strict checking unless turned off. */
export function sshArgs(options: RsyncOptions, resolvePath: (path: string) => string): string[] {
  const args = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${options.connectTimeout}`];
  if (options.port) args.push('-p', String(options.port));
  if (options.identityFile) args.push('-i', resolvePath(options.identityFile), '-o', 'IdentitiesOnly=yes');
  if (options.knownHostsFile) args.push('-o', `UserKnownHostsFile=${resolvePath(options.knownHostsFile)}`);
  args.push('-o', `StrictHostKeyChecking=${options.strictHostKeyChecking ? 'yes' : 'no'}`);
  return args;
}

/** Quotes one word for the remote POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs a command where the backups are: directly, or through ssh (its words quoted for the remote shell). */
export class Shell {
  constructor(
    readonly destination: Destination,
    private readonly ssh: string[],
    private readonly log: Logger,
    private readonly keyscan: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** The same destination, for a command no interruption ends: the cleanup after a failed push. */
  detached(): Shell {
    return new Shell(this.destination, this.ssh, this.log, this.keyscan);
  }

  /** The command line for spawn. */
  private argv(command: string[]): string[] {
    if (!this.destination.login) return command;
    return ['ssh', ...this.ssh, this.destination.login, '--', command.map(shellQuote).join(' ')];
  }

  async run(command: string[]): Promise<string> {
    const [program, ...args] = this.argv(command) as [string, ...string[]];
    const chunks: Buffer[] = [];
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await runRaw(program, args, output, this.log, this.keyscan, this.signal);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Streams a command's stdout; its failure (exit code, stderr) destroys the stream. */
  stream(command: string[]): Readable {
    const [program, ...args] = this.argv(command) as [string, ...string[]];
    const output = new PassThrough();
    runRaw(program, args, output, this.log, this.keyscan, this.signal).then(
      () => output.end(),
      (error: Error) => output.destroy(error),
    );
    return output;
  }
}

/**
 * Like runTool, with stdout into a stream. In a process group of its own, recorded: an interruption ends
 * it, and so does the next run when a killed one left it working. A failure of ssh itself (exit 255) is
 * explained and `transient` unless ssh refused the host key or the login.
 */
async function runRaw(
  program: string,
  args: string[],
  output: PassThrough,
  log: Logger,
  keyscan: string,
  signal?: AbortSignal,
): Promise<void> {
  const child = spawnTracked(program, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  child.stdout!.pipe(output, { end: false });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new ToolError(`${program} was not found`, null, '') : error),
    );
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  for (const line of stderr.trim().split('\n')) if (line) log.debug(`${program}: ${line}`);
  if (code === 0) return;
  const ssh = code === 255 && program === 'ssh' ? explainSsh(stderr, keyscan) : undefined;
  const how = killedBy ? `was killed by ${killedBy}` : `failed (exit code ${code})`;
  const message = ssh?.message ?? `${args.at(-1)} ${how}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`;
  const missing = !ssh && /No such file or directory/.test(stderr);
  throw Object.assign(
    new ToolError(message, code, stderr),
    { transient: ssh?.transient ?? false },
    missing ? { code: 'ENOENT' } : {},
  );
}
