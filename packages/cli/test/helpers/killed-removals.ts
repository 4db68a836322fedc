import { chown, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { killTree, pickup, type Project } from './project.js';

export interface RemovalScene {
  /** Its config has one target, with `retention: { keepLast: 1 }`. */
  project: Project;
  /** Makes a complete backup `id` at the target: a copy of the backup `model`, its manifest's runId changed. */
  copyBackup(model: string, id: string): Promise<void>;
  /** Whether the removal of one of `ids` has begun: what the target holds of it is no longer whole. */
  removalBegun(ids: string[]): Promise<boolean>;
}

/**
 * Copies the backup folder `<root>/<model>` to `<root>/<id>` as the folder target stores an unchanged
 * file: data files hard-linked, and a manifest of its own. Folders and the manifest get `owner`.
 */
export async function copyBackupFolder(
  root: string,
  model: string,
  id: string,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const made = async (path: string) => {
    if (owner) await chown(path, owner.uid, owner.gid);
  };
  const copy = async (from: string, to: string) => {
    await mkdir(to, { mode: 0o700 });
    await made(to);
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (entry.isDirectory()) await copy(join(from, entry.name), join(to, entry.name));
      else if (entry.name !== 'manifest.json') await link(join(from, entry.name), join(to, entry.name));
    }
  };
  await copy(join(root, model), join(root, id));
  const manifest = JSON.parse(await readFile(join(root, model, 'manifest.json'), 'utf8'));
  await writeFile(join(root, id, 'manifest.json'), JSON.stringify({ ...manifest, runId: id }), { mode: 0o600 });
  await made(join(root, id, 'manifest.json'));
}

interface Listed {
  id: string;
  status: string;
}

export async function listed(project: Project): Promise<Listed[]> {
  const list = await pickup(['list', '--json'], { cwd: project.dir });
  expect(list.code, list.stderr).toBe(0);
  return JSON.parse(list.stdout).targets[0].backups;
}

/** Run ids older than any real run, a new one for each call, one minute apart. */
let copies = 0;
function olderId(): string {
  copies++;
  return new Date(Date.UTC(2020, 0, 1) + copies * 60_000).toISOString().replaceAll(':', '');
}

/**
 * For each of `delays`: copies `model` (a complete backup, the newest) to an older backup, starts
 * `pickup prune`, and kills it with SIGKILL that many ms after the removal of the copy began. After
 * each kill, nothing may be damaged and every backup `pickup list` shows complete must pass
 * `pickup verify`. Returns how many kills left an incomplete backup (a removal cut off midway).
 */
export async function killRemovals(scene: RemovalScene, model: string, delays: number[]): Promise<number> {
  let cutMidway = 0;
  for (const delay of delays) {
    const id = olderId();
    await scene.copyBackup(model, id);
    let pid = 0;
    const prune = pickup(['prune'], { cwd: scene.project.dir, onSpawn: (spawned) => (pid = spawned) });
    let ended = false;
    void prune.then(() => (ended = true));
    while (!ended && !(await scene.removalBegun([id]))) await sleep(1);
    if (delay > 0) await sleep(delay);
    killTree(pid);
    expect((await prune).code, `prune still running ${delay} ms into the removal, killed`).toBeNull();
    const backups = await listed(scene.project);
    expect(
      backups.filter((backup) => backup.status === 'damaged'),
      `after a kill ${delay} ms into a removal`,
    ).toEqual([]);
    for (const backup of backups.filter((entry) => entry.status === 'complete')) {
      const verify = await pickup(['verify', backup.id], { cwd: scene.project.dir });
      expect(verify.code, `verify ${backup.id} after a kill ${delay} ms into a removal: ${verify.stderr}`).toBe(0);
    }
    if (backups.some((backup) => backup.status === 'incomplete')) cutMidway++;
  }
  return cutMidway;
}

/** A prune that runs to its end: it leaves the newest backup alone, and no incomplete one. */
export async function expectPrunedClean(project: Project, newest: string): Promise<void> {
  const prune = await pickup(['prune'], { cwd: project.dir });
  expect(prune.code, prune.stderr).toBe(0);
  expect(await listed(project)).toEqual([expect.objectContaining({ id: newest, status: 'complete' })]);
}
