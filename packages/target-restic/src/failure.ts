import { OptionError, ToolError } from '@pickup/core/plugin';
import type { Repository } from './repository.js';
import { hostKeyKnown, serverAnswers } from './sftp.js';

/** What went wrong with one restic command, from its exit code and its words on stderr. */
export interface Failure {
  command: string;
  code: number | null;
  killedBy: NodeJS.Signals | null;
  /** Already blanked of secrets. */
  stderr: string;
  repository: Repository;
  program: string;
  /** The option the password comes from, for a wrong one. */
  passwordOption: 'passwordFile' | 'passwordCommand';
}

/** There is no repository at the location (as opposed to one that cannot be reached). */
export class NoRepositoryError extends OptionError {
  readonly missing = true;
}

/** Another live restic process holds a lock that this command conflicts with: it may pass if waited for. */
export class RepositoryLockedError extends ToolError {
  readonly locked = true;
}

const NO_REPOSITORY = /Is there a repository at the following location\?/;
/** What a backend says when the repository's config is simply not there (as opposed to unreachable). */
const NOT_THERE =
  /no such file or directory|file does not exist|key does not exist|NoSuchKey|NoSuchBucket|bucket does not exist|404/i;
const WRONG_PASSWORD = /wrong password or no key found/;
const LOCKED = /repository is already locked(?: exclusively)? by (.*)/;
const NOT_IN_SNAPSHOT = /path "[^"]*" not found in snapshot/;
const SSH_FAILED =
  /ssh command exited|unable to start the sftp session|Host key verification failed|Permission denied \(|Connection refused|Could not resolve hostname/;

/** ssh's words for a server it did not get to talk to: its key was never asked for. */
const SSH_CONNECT_FAILED =
  /Connection refused|Connection timed out|Could not resolve hostname|No route to host|Network is unreachable/;

/** restic's failure as one line that says what to do; an error the core and the caller can tell apart. */
export function explain(failure: Failure): Error {
  const { command, code, killedBy, stderr, repository } = failure;
  const fatal = fatalLines(stderr);
  if (WRONG_PASSWORD.test(stderr)) {
    return new OptionError(
      failure.passwordOption,
      `restic refused the password of repository ${repository.shown}: wrong password or no key for it`,
    );
  }
  if (/Resolving password failed/.test(stderr) && failure.passwordOption === 'passwordCommand') {
    return new OptionError('passwordCommand', `the password command failed: ${reason(fatal, stderr)}`);
  }
  const locked = LOCKED.exec(stderr);
  if (locked) {
    const since = /lock was created at ([^\n]*)/.exec(stderr)?.[1]?.trim();
    return new RepositoryLockedError(
      `repository ${repository.shown} is locked by another restic process (${locked[1]!.trim()}${since ? `, since ${since}` : ''}); ` +
        'Pickup removes only stale locks: let it finish, or if it is gone, run restic unlock',
      code,
      stderr,
    );
  }
  const ssh = sshRefusal(stderr, repository);
  if (ssh) return new ToolError(ssh, code, stderr);
  if (
    NO_REPOSITORY.test(stderr) ||
    /unable to open config file|unable to start the sftp session|unable to open repository/.test(stderr)
  ) {
    if (NOT_THERE.test(stderr) && !SSH_FAILED.test(stderr)) {
      return new NoRepositoryError(
        'repository',
        `there is no restic repository at ${repository.shown}; create it with restic init (with the same password) or set init: true`,
      );
    }
    return new ToolError(`cannot reach restic repository ${repository.shown}: ${reason(fatal, stderr)}`, code, stderr);
  }
  if (NOT_IN_SNAPSHOT.test(stderr))
    return Object.assign(new ToolError(NOT_IN_SNAPSHOT.exec(stderr)![0], code, stderr), { code: 'ENOENT' });
  const how = killedBy ? `was killed by ${killedBy}` : `failed (exit code ${code})`;
  return new ToolError(`restic ${command} ${how}: ${reason(fatal, stderr)}`, code, stderr);
}

/** restic's `Fatal:` lines, which say why it stopped. */
function fatalLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('Fatal: '))
    .map((line) => line.slice('Fatal: '.length).trim());
}

/** The part of restic's words worth a message: its fatal line, else its last line. */
function reason(fatal: readonly string[], stderr: string): string {
  const line = fatal.at(-1) ?? stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'no message';
  return line.replace(/^unable to open config file: /, '').slice(0, 300);
}

export function isLocked(error: unknown): error is RepositoryLockedError {
  return (error as { locked?: unknown } | null)?.locked === true;
}

/** ssh refused to go on (host key, login): trying again changes nothing; say what to do. */
function sshRefusal(stderr: string, repository: Repository): string | undefined {
  if (repository.kind !== 'sftp') return undefined;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    return "the sftp server's host key has CHANGED: someone may be impersonating it; check before you update known hosts";
  }
  // restic may exit before it has passed ssh's words on: then the known hosts say it, if the server answers at all.
  const unknownKey =
    /unable to start the sftp session/.test(stderr) &&
    !SSH_CONNECT_FAILED.test(stderr) &&
    repository.knownHosts &&
    !hostKeyKnown(repository.knownHosts) &&
    serverAnswers(repository.knownHosts);
  if (/Host key verification failed|No .* host key is known/i.test(stderr) || unknownKey) {
    return `the sftp server's host key is not known (strict host key checking is on); add it after checking its fingerprint: ${repository.keyscan}`;
  }
  if (/Permission denied \(/.test(stderr))
    return 'ssh refused the login to the sftp server: permission denied (wrong key or user)';
  return undefined;
}

export function isMissing(error: unknown): error is NoRepositoryError {
  return (error as { missing?: unknown } | null)?.missing === true;
}
