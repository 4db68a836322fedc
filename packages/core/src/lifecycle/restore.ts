import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import { ConfigError, ExitCode, PickupError, isPickupError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { describePluginError, pluginContext } from '../runtime/context.js';
import { formatBytes } from '../model/format.js';
import { stagingRootOf } from '../runtime/config-lock.js';
import { prepareConfigStaging } from '../runtime/staging.js';
import type { RestoreLogin, Source } from '../plugin/types.js';
import { readSecretFile } from '../secrets/secret-file.js';
import {
  describePassedOver,
  findBackup,
  selectTargets,
  targetHandle,
  type StoredBackup,
  type TargetHandle,
} from '../backups/stored.js';
import type { Decrypter } from 'age-encryption';
import { loadDecrypter } from '../encryption/keys.js';
import type { ManifestFile } from '../model/manifest.js';
import { encryptedTo, fetchSourceFiles, sourcePath } from './fetch-source.js';

export interface RestoreRequest {
  /** `latest` or a backup id. */
  which: string;
  /** The source (by its name in the config) whose backup to put back. */
  source: string;
  /** Where to, as the user gave it: a folder (relative to the working folder) for a folder source, a database name for a database source. */
  to: string;
  /** Take the backup from this target; default: the first target, in config order, that has it. */
  target?: string | undefined;
  force: boolean;
  only: readonly string[];
  /** The age identity file that decrypts an encrypted backup (`--identity`). */
  identityFile?: string | undefined;
  /** ...or the passphrase file (`--passphrase-file`). */
  passphraseFile?: string | undefined;
  /** `--as USER`: restore as this user of the database instead of the source's own. */
  asUser?: string | undefined;
  /** `--password-file FILE`: that user's password. */
  passwordFile?: string | undefined;
}

/**
 * Fetches a source's files of a backup from a target into the staging area, checks every one against
 * the manifest, and only then hands them to the source plugin's `restore`.
 */
export async function restoreBackup(
  plan: Plan,
  request: RestoreRequest,
  log: Logger,
  signal: AbortSignal,
): Promise<StoredBackup> {
  const planned = plan.sources.find((source) => source.name === request.source);
  if (!planned) {
    throw new ConfigError(
      `--source ${request.source}: no such source in ${plan.file} (its sources: ${plan.sources.map((s) => s.name).join(', ')})`,
    );
  }
  const restore = planned.plugin.restore;
  if (!restore)
    throw new ConfigError(
      `source ${planned.name} (${planned.package.name}) cannot restore; its files can be fetched from the target by hand`,
    );

  const login = await restoreLogin(planned, request, log);
  const { target, backup } = await locate(plan, request, log, signal);
  const entry = backup.manifest!.sources.find((source) => source.name === request.source);
  if (!entry) {
    const names = backup.manifest!.sources.map((source) => source.name).join(', ');
    throw new ConfigError(`backup ${backup.id} has no source ${request.source} (it has: ${names})`);
  }
  if (entry.status === 'failed') {
    throw new PickupError(
      `source ${request.source} failed in backup ${backup.id}; there is nothing to restore from it`,
      ExitCode.partial,
    );
  }

  const wanted = filesWanted(
    planned.plugin,
    request.only,
    entry.files.map((file) => sourcePath(entry, file)),
  );
  const decrypter = await decrypterFor(backup, entry.files, request, log);
  const scoped = log.child({ source: planned.name });
  const workDir = await mkdtemp(join(await prepareConfigStaging(stagingRootOf(plan), plan.file), 'restore-'));
  try {
    const files = await fetchSourceFiles(target, backup, entry, { workDir, signal, decrypter, wanted });
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    scoped.info(
      `fetched ${files.length} file(s), ${formatBytes(bytes)}, from backup ${backup.id} at target ${target.name}; all match the manifest`,
    );
    try {
      await restore({
        ...pluginContext(plan, planned, log, signal),
        files,
        to: request.to,
        force: request.force,
        only: request.only,
        login,
      });
    } catch (error) {
      // A plugin's own copy of the core (npm link) makes its errors instances of another class.
      if (isPickupError(error)) throw error;
      throw new PickupError(
        `restoring ${request.source} failed: ${describePluginError(plan, planned, error)}`,
        ExitCode.partial,
        { cause: error },
      );
    }
    scoped.info(`restored backup ${backup.id} to ${request.to}`);
    return backup;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Who the source restores as (`--as`, `--password-file`), if not as the user in its options. */
async function restoreLogin(
  planned: PlannedPlugin<Source>,
  request: RestoreRequest,
  log: Logger,
): Promise<RestoreLogin | undefined> {
  if (request.asUser === undefined) {
    if (request.passwordFile !== undefined)
      throw new ConfigError('--password-file: give it with --as USER, the user whose password it holds');
    return undefined;
  }
  if (!planned.plugin.restoreLogin) {
    throw new ConfigError(
      `--as: source ${planned.name} (${planned.package.name}) restores without logging in to anything; leave --as out`,
    );
  }
  if (request.passwordFile === undefined) return { user: request.asUser };
  const password = await readSecretFile(request.passwordFile, { log, what: 'password' }).catch((error: unknown) => {
    throw new ConfigError(`--password-file: ${messageOf(error)}`);
  });
  return { user: request.asUser, password, passwordFrom: `--password-file ${request.passwordFile}` };
}

/** The decrypter an encrypted backup needs, from --identity or --passphrase-file; none for a plain one. */
async function decrypterFor(
  backup: StoredBackup,
  files: readonly ManifestFile[],
  request: RestoreRequest,
  log: Logger,
): Promise<Decrypter | undefined> {
  if (!files.some((file) => file.plain)) {
    if (request.identityFile || request.passphraseFile)
      log.info(`backup ${backup.id} is not encrypted; --identity and --passphrase-file are not needed`);
    return undefined;
  }
  if (!request.identityFile && !request.passphraseFile) {
    const give = backup.manifest!.encryption?.passphrase
      ? 'give --passphrase-file FILE'
      : 'give --identity FILE with the private key of one of them';
    throw new ConfigError(`backup ${backup.id} is encrypted (age) to ${encryptedTo(backup)}: ${give}`);
  }
  return loadDecrypter({ identityFile: request.identityFile, passphraseFile: request.passphraseFile });
}

/** The files to fetch: those the source says `--only` needs, or all. */
function filesWanted(source: Source, only: readonly string[], paths: string[]): Set<string> {
  if (only.length > 0 && !source.filesToRestore)
    throw new ConfigError(`--only: source plugin ${source.name} restores only whole backups`);
  try {
    return new Set(source.filesToRestore ? source.filesToRestore(only, paths) : paths);
  } catch (error) {
    throw new ConfigError(messageOf(error));
  }
}

/** The backup asked for, at the target asked for or at the first target that has it. */
async function locate(
  plan: Plan,
  request: RestoreRequest,
  log: Logger,
  signal: AbortSignal,
): Promise<{ target: TargetHandle; backup: StoredBackup }> {
  const problems: string[] = [];
  for (const planned of selectTargets(plan, request.target)) {
    const target = targetHandle(plan, planned, log, signal);
    try {
      const { backup, passedOver } = findBackup(await target.list(), request.which, target.name, (candidate) =>
        whyNotRestorable(candidate, request.source),
      );
      if (passedOver.length > 0) {
        log.warn(
          `restoring backup ${backup.id}, the newest at target ${target.name} with source ${request.source}; passed over ${describePassedOver(passedOver)}`,
        );
      }
      return { target, backup };
    } catch (error) {
      // "Not at this target" is worth trying the next one; a damaged backup or a broken target is not.
      if (error instanceof ConfigError) problems.push(messageOf(error));
      else if (error instanceof PickupError) throw error;
      else
        throw new PickupError(
          `target ${planned.name}: ${describePluginError(plan, planned, error)}`,
          ExitCode.partial,
          { cause: error },
        );
    }
  }
  throw new ConfigError(problems.join('; '));
}

/** Why a backup is not one `latest` may restore a source from, or undefined when it is. */
function whyNotRestorable(backup: StoredBackup, source: string): string | undefined {
  const entry = backup.manifest?.sources.find((candidate) => candidate.name === source);
  if (!entry) return `it has no source ${source}`;
  return entry.status === 'failed' ? `source ${source} failed in it` : undefined;
}
