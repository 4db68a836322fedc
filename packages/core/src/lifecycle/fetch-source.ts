import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Decrypter } from 'age-encryption';
import { ExitCode, PickupError, messageOf } from '../errors.js';
import type { StoredBackup, TargetHandle } from '../backups/stored.js';
import { checkFile } from '../backups/transfer.js';
import { decryptFile, WrongKeyError } from '../encryption/decrypt-file.js';
import { ENCRYPTED_SUFFIX } from '../encryption/encrypt-files.js';
import type { ManifestFile, ManifestSource } from '../model/manifest.js';
import type { RestoreFile } from '../plugin/types.js';

export interface FetchOptions {
  /** The folder the files go to (below it, as the source wrote them); the caller removes it. */
  workDir: string;
  signal: AbortSignal;
  /** Opens the files of an encrypted backup. */
  decrypter?: Decrypter | undefined;
  /** Only these files (paths as the source wrote them); default: all. */
  wanted?: ReadonlySet<string> | undefined;
}

/**
 * Fetches a source's files of a backup from a target into `workDir`, each checked against the manifest
 * (size and sha256; an encrypted one decrypted, its plaintext checked too). Throws, exit code 1, at the
 * first file that does not match: nothing damaged is ever handed to a source.
 */
export async function fetchSourceFiles(
  target: TargetHandle,
  backup: StoredBackup,
  entry: ManifestSource,
  options: FetchOptions,
): Promise<RestoreFile[]> {
  const { workDir, signal } = options;
  const files: RestoreFile[] = [];
  for (const file of entry.files) {
    const path = sourcePath(entry, file);
    if (options.wanted && !options.wanted.has(path)) continue;
    const localPath = join(workDir, path);
    // The manifest was checked when listed; a path that still leads out is never written.
    if (!localPath.startsWith(`${workDir}${sep}`))
      throw new PickupError(
        `backup ${backup.id} at target ${target.name} is damaged: ${file.path} is not a path inside it`,
        ExitCode.partial,
      );
    await mkdir(dirname(localPath), { recursive: true, mode: 0o700 });
    const fetched = file.plain ? `${localPath}${ENCRYPTED_SUFFIX}` : localPath;
    const problem = await checkFile(target, backup.id, file, signal, fetched);
    if (problem) {
      throw new PickupError(
        `backup ${backup.id} at target ${target.name} is damaged: ${problem}; nothing was restored`,
        ExitCode.partial,
      );
    }
    if (file.plain) {
      if (!options.decrypter) throw new Error(`${file.path} is encrypted and no key was given`); // callers check first
      await decryptChecked(fetched, localPath, file, options.decrypter, { backup, signal });
    }
    files.push({ path, localPath, size: file.plain?.size ?? file.size });
  }
  return files;
}

/**
 * A file's path as its source wrote it, in its own folder: an encrypted `www/www.tar.gz.age` is
 * `www.tar.gz` to the plugin.
 */
export function sourcePath(entry: ManifestSource, file: ManifestFile): string {
  const plain =
    file.plain && file.path.endsWith(ENCRYPTED_SUFFIX) ? file.path.slice(0, -ENCRYPTED_SUFFIX.length) : file.path;
  return plain.slice(entry.name.length + 1);
}

/** `a passphrase`, or the recipients' public keys. */
export function encryptedTo(backup: StoredBackup): string {
  const encryption = backup.manifest!.encryption;
  return encryption?.passphrase ? 'a passphrase' : (encryption?.recipients.join(', ') ?? 'unknown recipients');
}

/** Decrypts a fetched file and checks the plaintext against the manifest; the ciphertext is then removed. */
async function decryptChecked(
  fetched: string,
  to: string,
  file: ManifestFile,
  decrypter: Decrypter,
  at: { backup: StoredBackup; signal: AbortSignal },
): Promise<void> {
  let plain: Awaited<ReturnType<typeof decryptFile>>;
  try {
    plain = await decryptFile(fetched, to, decrypter, at.signal);
  } catch (error) {
    if (error instanceof WrongKeyError) {
      throw new PickupError(
        `cannot decrypt ${file.path} of backup ${at.backup.id}: the key given does not open it (it is encrypted to ${encryptedTo(at.backup)}); nothing was restored`,
        ExitCode.usage,
      );
    }
    throw new PickupError(
      `cannot decrypt ${file.path} of backup ${at.backup.id}: ${messageOf(error)}; nothing was restored`,
      ExitCode.partial,
    );
  }
  await rm(fetched);
  if (plain.size !== file.plain!.size || plain.hmacSha256 !== file.plain!.hmacSha256) {
    throw new PickupError(
      `${file.path} of backup ${at.backup.id} decrypts to other bytes than were backed up (the plaintext's digest differs from the manifest's); nothing was restored`,
      ExitCode.partial,
    );
  }
}
