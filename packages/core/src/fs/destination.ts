import { mkdir, readdir } from 'node:fs/promises';
import { ExitCode, PickupError } from '../errors.js';

/**
 * Makes sure a restore may write into `folder`: creates it if missing; refuses one that has files
 * unless `force` (a restore must not silently mix with, or overwrite, what is there).
 */
export async function prepareRestoreFolder(folder: string, force: boolean): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const present = await readdir(folder);
  if (present.length > 0 && !force) {
    throw new PickupError(
      `${folder} is not empty (${present.length} ${present.length === 1 ? 'entry' : 'entries'}); restore into an empty folder, or add --force to write over what is there`,
      ExitCode.usage,
    );
  }
}
