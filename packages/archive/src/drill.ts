import type { TarGzStats } from './tar-gz.js';
import { walk } from './walk.js';

/** What a folder source records about its archives, for a drill to compare a restored copy with. */
export interface FolderFacts {
  /** Everything archived: files, folders, links, ... */
  entries: number;
  /** Regular files, and the bytes of their content. */
  files: number;
  bytes: number;
}

/** The facts of the archives one backup wrote. */
export function folderFacts(archives: readonly TarGzStats[]): { folder: FolderFacts } {
  const folder = { entries: 0, files: 0, bytes: 0 };
  for (const stats of archives) {
    folder.entries += stats.entries;
    folder.files += stats.files;
    folder.bytes += stats.bytes;
  }
  return { folder };
}

/**
 * Compares a folder restored by a drill with the facts its backup recorded: every entry there (less
 * those extraction skipped, as a device file without root), as many files, as many bytes. Resolves with
 * what was compared; throws one line saying what differs. A backup without facts is only counted.
 */
export async function checkRestoredFolder(dir: string, facts: unknown, skipped: number): Promise<string> {
  const found = { entries: 0, files: 0, bytes: 0 };
  const problems: string[] = [];
  for await (const entry of walk(dir, {
    exclude: [],
    onError: (path, error) => problems.push(`${path}: ${error.code}`),
  })) {
    found.entries++;
    if (entry.stats.isFile()) {
      found.files++;
      found.bytes += entry.stats.size;
    }
  }
  if (problems.length > 0) throw new Error(`the restored copy cannot be read back: ${problems.slice(0, 3).join(', ')}`);
  const restored = `${count(found.files)} files, ${count(found.bytes)} bytes`;
  const recorded = readFacts(facts);
  if (!recorded) return `restored ${restored}; the backup recorded no counts to compare (made by an older version)`;
  const differences = [
    found.files !== recorded.files && `${count(found.files)} files restored, ${count(recorded.files)} recorded`,
    found.bytes !== recorded.bytes && `${count(found.bytes)} bytes restored, ${count(recorded.bytes)} recorded`,
    found.entries + skipped !== recorded.entries &&
      `${count(found.entries + skipped)} entries restored, ${count(recorded.entries)} recorded`,
  ].filter((text): text is string => typeof text === 'string');
  if (differences.length > 0) throw new Error(`the restored copy differs from the backup: ${differences.join('; ')}`);
  const note = skipped > 0 ? ` (${count(skipped)} of them could not be made here: see the warnings)` : '';
  return `restored ${count(recorded.entries)} entries, ${restored} as recorded${note}`;
}

/** The facts as recorded, or undefined when there are none or they are not of this shape. */
function readFacts(facts: unknown): FolderFacts | undefined {
  const folder = (facts as { folder?: Partial<FolderFacts> } | undefined)?.folder;
  if (!folder) return undefined;
  const { entries, files, bytes } = folder;
  if (![entries, files, bytes].every((value) => Number.isSafeInteger(value) && (value as number) >= 0))
    throw new Error('the facts this backup recorded about its folder are not counts: the manifest is damaged');
  return { entries: entries!, files: files!, bytes: bytes! };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
