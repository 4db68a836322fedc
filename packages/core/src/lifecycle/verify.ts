import { formatBytes } from '../model/format.js';
import { manifestFiles, type ManifestFile } from '../model/manifest.js';
import type { Logger } from '../log/logger.js';
import type { StoredBackup, TargetHandle } from '../backups/stored.js';
import { checkFile } from '../backups/transfer.js';

export interface VerifyResult {
  checked: number;
  bytes: number;
  problems: string[];
}

/**
 * Reads the files of a backup back from its target and checks each one's size and sha256 against the
 * manifest: all of them, or a random `samplePercent` of them (at least one).
 */
export async function verifyBackup(
  target: TargetHandle,
  backup: StoredBackup,
  log: Logger,
  signal: AbortSignal,
  samplePercent = 100,
): Promise<VerifyResult> {
  const scoped = log.child({ target: target.name });
  const files = sample(manifestFiles(backup.manifest!), samplePercent);
  const result: VerifyResult = { checked: 0, bytes: 0, problems: [] };
  for (const file of files) {
    const problem = await checkFile(target, backup.id, file, signal);
    result.checked++;
    result.bytes += file.size;
    if (problem) {
      result.problems.push(problem);
      scoped.error(`backup ${backup.id}: ${problem}`);
    } else scoped.debug(`backup ${backup.id}: ${file.path} intact`);
  }
  if (result.problems.length === 0) {
    scoped.info(
      `backup ${backup.id} intact: ${result.checked} file(s), ${formatBytes(result.bytes)} read back and checked`,
    );
  }
  return result;
}

function sample(files: ManifestFile[], percent: number): ManifestFile[] {
  if (percent >= 100) return files;
  const count = Math.max(1, Math.ceil((files.length * percent) / 100));
  const shuffled = [...files];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled.slice(0, count);
}
