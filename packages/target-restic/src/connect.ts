import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { OptionError, readSecretFile, type Logger } from '@pickup/core/plugin';
import type { ResticOptions } from './options.js';
import { parseRepository } from './repository.js';
import { Restic } from './restic.js';
import { assertVersion } from './version.js';
import { keyscanLine, knownHostsOf, sftpCommand } from './sftp.js';

export interface Context {
  options: ResticOptions;
  resolvePath(path: string): string;
  log: Logger;
  signal?: AbortSignal;
}

/** The host name snapshots are recorded and listed under. */
export function hostOf(options: ResticOptions): string {
  return options.host ?? hostname();
}

/**
 * The restic commands of one target, its version checked, its secrets read: the password file checked (restic reads it
 * itself: the password is in no argv and no environment), the backend credentials from their files.
 */
export async function connect({ options, resolvePath, log, signal }: Context): Promise<Restic> {
  const repository = parseRepository(options, resolvePath);
  if (repository.sftp) {
    repository.keyscan = keyscanLine(repository.sftp, options.sftp, resolvePath);
    repository.knownHosts = knownHostsOf(repository.sftp, options.sftp, resolvePath);
  }
  const env: Record<string, string> = {};
  // restic's own variables from the environment Pickup runs in would override the config: none pass.
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith('RESTIC_') && value !== undefined) env[name] = value;
  // Times given with --time and shown in messages are UTC, as run ids are.
  env.TZ = 'UTC';
  Object.assign(env, options.env);
  const secrets = repository.urlPassword ? [repository.urlPassword] : [];
  if (options.passwordFile) {
    const file = resolvePath(options.passwordFile);
    await readSecretFile(file, { option: 'passwordFile', log, what: 'repository password' });
    // restic reads the whole file, trimmed: a second line would be part of the password.
    if ((await readFile(file, 'utf8')).trim().includes('\n')) {
      throw new OptionError(
        'passwordFile',
        `${file} has more than one line; restic reads the whole file as the password: keep only the password in it`,
      );
    }
    env.RESTIC_PASSWORD_FILE = file;
  } else {
    env.RESTIC_PASSWORD_COMMAND = options.passwordCommand!;
  }
  for (const [name, file] of Object.entries(options.envFiles)) {
    const value = await readSecretFile(resolvePath(file), { option: `envFiles.${name}`, log, what: name });
    env[name] = value;
    secrets.push(value);
  }
  // The repository in the environment, not in argv, where any user could read a password in a URL.
  env.RESTIC_REPOSITORY = repository.location;
  const globalArgs = options.compression === 'auto' ? [] : ['--compression', options.compression];
  if (options.limitUpload) globalArgs.push('--limit-upload', String(options.limitUpload));
  if (repository.sftp)
    globalArgs.push('--option', `sftp.command=${sftpCommand(repository.sftp, options.sftp, resolvePath)}`);
  globalArgs.push(...options.resticArgs);
  const passwordOption = options.passwordFile ? 'passwordFile' : 'passwordCommand';
  const restic = new Restic({
    program: options.restic,
    repository,
    env,
    globalArgs,
    secrets,
    passwordOption,
    log,
    signal,
  });
  await assertVersion(restic); // missing or too old: said before anything else
  return restic;
}
