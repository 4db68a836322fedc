import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ResticOptions } from './options.js';
import type { Repository } from './repository.js';

/**
 * The ssh command restic runs for an `sftp:` repository: batch mode (no prompt under cron), the
 * connection timeout, the port, key and known hosts of the options, strict host key checking unless
 * turned off. restic splits it into words itself, honouring quotes.
 */
export function sftpCommand(
  login: NonNullable<Repository['sftp']>,
  options: ResticOptions['sftp'],
  resolvePath: (path: string) => string,
): string {
  const args = ['ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${options.connectTimeout}`];
  const port = options.port ?? login.port;
  if (port) args.push('-p', String(port));
  if (options.identityFile) args.push('-i', resolvePath(options.identityFile), '-o', 'IdentitiesOnly=yes');
  if (options.knownHostsFile) args.push('-o', `UserKnownHostsFile=${resolvePath(options.knownHostsFile)}`);
  args.push('-o', `StrictHostKeyChecking=${options.strictHostKeyChecking ? 'yes' : 'no'}`, login.login, '-s', 'sftp');
  return args.map(quote).join(' ');
}

/** A word as restic's command-line splitter reads it: quoted when it holds a space or a quote. */
function quote(word: string): string {
  return /[\s'"\\]/.test(word) ? `'${word.replace(/'/g, `'"'"'`)}'` : word;
}

/** The command that adds the server's key to the known hosts ssh uses here. */
export function keyscanLine(
  login: NonNullable<Repository['sftp']>,
  options: ResticOptions['sftp'],
  resolvePath: (path: string) => string,
): string {
  const knownHosts = options.knownHostsFile ? resolvePath(options.knownHostsFile) : '~/.ssh/known_hosts';
  const port = options.port ?? login.port;
  return `ssh-keyscan${port ? ` -p ${port}` : ''} ${login.host} >> ${knownHosts}`;
}

/** Where ssh looks a server's key up, and under which name; undefined when strict host key checking is off. */
export function knownHostsOf(
  login: NonNullable<Repository['sftp']>,
  options: ResticOptions['sftp'],
  resolvePath: (path: string) => string,
): Repository['knownHosts'] {
  if (!options.strictHostKeyChecking) return undefined;
  const port = options.port ?? login.port;
  return {
    files: [
      options.knownHostsFile ? resolvePath(options.knownHostsFile) : join(homedir(), '.ssh/known_hosts'),
      '/etc/ssh/ssh_known_hosts',
    ],
    host: port && port !== 22 ? `[${login.host}]:${port}` : login.host,
    address: login.host,
    port: port ?? 22,
  };
}

/**
 * Whether an ssh server answers at the repository's address (`ssh-keyscan` gets a key from it): when it
 * does not, a session that ended without ssh's words ended for the network, not for its host key.
 */
export function serverAnswers(knownHosts: NonNullable<Repository['knownHosts']>): boolean {
  const scanned = spawnSync('ssh-keyscan', ['-T', '3', '-p', String(knownHosts.port), knownHosts.address], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 10_000,
  });
  return (scanned.stdout ?? '').trim() !== '';
}

/**
 * Whether ssh knows the server's key (`ssh-keygen -F`). For a session that ended before ssh said why: restic
 * may exit before it has passed ssh's words on. When ssh-keygen cannot tell, the key counts as known.
 */
export function hostKeyKnown(knownHosts: NonNullable<Repository['knownHosts']>): boolean {
  return knownHosts.files.some((file) => {
    if (!existsSync(file)) return false; // a missing file knows no host (ssh-keygen would fail, not say so)
    const found = spawnSync('ssh-keygen', ['-F', knownHosts.host, '-f', file], { stdio: 'ignore' });
    return found.status !== 1; // 0: there; 1: not there; anything else: cannot tell
  });
}
