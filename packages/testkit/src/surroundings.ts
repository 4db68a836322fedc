import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { compareTrees, snapshotTree, type TreeSnapshot } from './tree.js';

/**
 * Where a source test's plugin may leave nothing: the staging area beside the source's own folder, the
 * temp folder (TMPDIR points into the work folder during a test), and the rest of the work folder, which
 * holds the data the source backs up.
 */
export const STAGING = 'staging';
export const TEMP = '.temp';

export interface Surroundings {
  staging: TreeSnapshot;
  temp: TreeSnapshot;
  rest: TreeSnapshot;
}

/** The differences, one line each, by place. */
export interface Changes {
  /** In the staging area, outside the source's own folder. */
  staging: string[];
  /** Left in the temp folder. */
  temp: string[];
  /** Elsewhere in the work folder: what the source backs up, and the fixture's other files. */
  rest: string[];
}

/**
 * Looks at everything a plugin call may not change, but `own` (a path relative to the work folder
 * that is the call's to write: the source's folder in the staging area, a restore's destination).
 */
export async function lookAround(workDir: string, own?: string): Promise<Surroundings> {
  const inside = (area: string) => (own?.startsWith(`${area}/`) ? [own.slice(area.length + 1)] : []);
  await mkdir(join(workDir, STAGING), { recursive: true });
  await mkdir(join(workDir, TEMP), { recursive: true });
  return {
    staging: await snapshotTree(join(workDir, STAGING), { skip: inside(STAGING) }),
    temp: await snapshotTree(join(workDir, TEMP), { skip: inside(TEMP) }),
    rest: await snapshotTree(workDir, { skip: [STAGING, TEMP, ...(own ? [own] : [])] }),
  };
}

/**
 * What changed between two looks. A folder that holds `own` gets a new mtime when `own` is created in
 * it: that alone is not a change.
 */
export async function changesAround(after: Surroundings, before: Surroundings, own?: string): Promise<Changes> {
  const holders: string[] = [];
  for (let folder = own && posix.dirname(own); folder && folder !== '.'; folder = posix.dirname(folder))
    holders.push(folder);
  /** The differences in one area (`root`: its folder in the work folder, '' for the rest). */
  const compare = async (area: keyof Surroundings, root: string) => {
    const inArea = holders.flatMap((holder) =>
      root === '' ? [holder] : holder.startsWith(`${root}/`) ? [holder.slice(root.length + 1)] : [],
    );
    const differences = await compareTrees(after[area], before[area]);
    return differences.filter((line) => !inArea.some((holder) => line.startsWith(`${holder}: mtime`)));
  };
  return {
    staging: await compare('staging', STAGING),
    temp: await compare('temp', TEMP),
    rest: await compare('rest', ''),
  };
}

/** Every change, each line saying where. */
export function describeChanges(changes: Changes): string[] {
  return [
    ...changes.staging.map((line) => `in the staging area: ${line}`),
    ...changes.temp.map((line) => `left in the temp folder: ${line}`),
    ...changes.rest.map((line) => `in the work folder: ${line}`),
  ];
}
