import { PARTIAL_SUFFIX, runFolderEntry } from '@pickup/core/plugin';
import type { Client } from 'basic-ftp';
import { foldersIn } from './push.js';

/**
 * Removes one backup so that no moment of it leaves one that lists as complete: a complete backup's
 * folder `<runId>` is first renamed to `<runId>.partial` (a leftover of that name removed before),
 * then deleted file by file. A removal cut off leaves an incomplete backup, which retention removes.
 * Run again after a dropped connection, it goes on from what the server holds; a backup gone is done.
 * `id` is checked by the caller.
 */
export async function removeRun(client: Client, root: string, id: string): Promise<void> {
  const complete = runFolderEntry(id)!.complete;
  const doomed = complete ? `${id}${PARTIAL_SUFFIX}` : id;
  const folders = await foldersIn(client, root);
  if (complete && folders.has(id)) {
    if (folders.has(doomed)) await client.removeDir(`${root}/${doomed}`);
    await client.rename(`${root}/${id}`, `${root}/${doomed}`);
  } else if (!folders.has(doomed)) {
    return;
  }
  await client.removeDir(`${root}/${doomed}`);
}
