// needs: time
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, withoutPermissionOverride, type Project } from '../helpers/project.js';
import { snapshotTree, writeRandomFile } from '../helpers/tree.js';

async function makeHome(root: string): Promise<void> {
  for (const user of ['alice', 'bob', 'carol smith']) {
    await mkdir(join(root, user, 'documents'), { recursive: true });
    await writeFile(join(root, user, 'documents', 'notes.txt'), `notes of ${user}\n`);
    await writeRandomFile(join(root, user, 'photo.raw'), 2 * 1024 * 1024);
  }
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, 'README'), 'loose file at the top\n');
}

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const duKiB = (path: string) => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);

async function archives(project: Project, backup: string): Promise<Record<string, string>> {
  const folder = project.path('backups', backup, 'home');
  const result: Record<string, string> = {};
  for (const name of await readdir(join(folder, 'folders')))
    result[`folders/${name}`] = await sha(join(folder, 'folders', name));
  result['top-level-files.tar.gz'] = await sha(join(folder, 'top-level-files.tar.gz'));
  return result;
}

describe('folder-split source with the folder target', () => {
  let project: Project;
  beforeEach(async () => {
    project = await makeProject();
    await makeHome(project.path('home'));
    await project.writeConfig({
      sources: [{ name: 'home', use: 'folder-split', with: { path: './home', concurrency: 2 } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  });
  afterEach(() => project.remove());

  it('makes one archive per subfolder and one for the loose files; the same tree gives the same bytes', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(0);
    const [first, latest] = (await completeBackups(project.path('backups'))).sort();
    const before = await archives(project, first!);
    expect(Object.keys(before).sort()).toEqual([
      'folders/alice.tar.gz',
      'folders/bob.tar.gz',
      'folders/carol%20smith.tar.gz',
      'folders/empty.tar.gz',
      'top-level-files.tar.gz',
    ]);
    expect(await archives(project, latest!)).toEqual(before);

    // The second backup costs almost nothing at the target: du counts hard-linked files once.
    const one = duKiB(project.path('backups', first!));
    expect(one).toBeGreaterThan(6000);
    expect(duKiB(project.path('backups')) - one).toBeLessThan(100);
    expect(second.stdout).toMatch(/6\.\d MB of it linked to the previous backup, not written/);
  });

  it('never links to a previous copy that was damaged since: it writes the file anew', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [first] = await completeBackups(project.path('backups'));
    const stored = project.path('backups', first!, 'home/folders/alice.tar.gz');
    const bytes = await readFile(stored);
    bytes[bytes.length - 20] ^= 0xff; // bit rot: same size, other content
    await writeFile(stored, bytes);
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(0);
    const latest = (await completeBackups(project.path('backups'))).sort().at(-1)!;
    expect(statSync(project.path('backups', latest, 'home/folders/alice.tar.gz')).ino).not.toBe(statSync(stored).ino);
    const verify = await pickup(['verify', latest], { cwd: project.dir });
    expect(verify.code).toBe(0);
  });

  it('a change in one subfolder changes only its archive', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    await writeFile(project.path('home/bob/documents/notes.txt'), 'changed\n');
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [first, latest] = (await completeBackups(project.path('backups'))).sort();
    const before = await archives(project, first!);
    const after = await archives(project, latest!);
    const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(['folders/bob.tar.gz']);
  });

  it('restores one subfolder alone, equal byte for byte to the original', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const result = await pickup(
      ['restore', '--source', 'home', '--only', 'carol smith', '--to', project.path('back')],
      { cwd: project.dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/fetched 1 file\(s\)/);
    expect(await readdir(project.path('back'))).toEqual(['carol smith']);
    expect(Object.fromEntries(await snapshotTree(project.path('back/carol smith')))).toEqual(
      Object.fromEntries(await snapshotTree(project.path('home/carol smith'))),
    );
    const unknown = await pickup(['restore', '--source', 'home', '--only', 'dave', '--to', project.path('x')], {
      cwd: project.dir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /--only dave: no such folder in this backup \(it has: alice, bob, carol smith, empty\)/,
    );
  });

  it('removing an old backup by retention leaves the newer one, which shares its files, intact', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    await project.writeConfig({
      sources: [{ name: 'home', use: 'folder-split', with: { path: './home' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups' }, retention: { keepLast: 1 } }],
    });
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code).toBe(0);
    const restored = await pickup(['restore', '--source', 'home', '--to', project.path('back')], { cwd: project.dir });
    expect(restored.code).toBe(0);
    expect(Object.fromEntries(await snapshotTree(project.path('back/alice')))).toEqual(
      Object.fromEntries(await snapshotTree(project.path('home/alice'))),
    );
  });
});

describe('folder-split bad input', () => {
  let project: Project;
  afterEach(() => project?.remove());

  const config = {
    sources: [{ name: 'home', use: 'folder-split', with: { path: './home' } }],
    targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
  };

  it('the folder missing, or not a folder: exit 1, names the field', async () => {
    project = await makeProject();
    await project.writeConfig(config);
    const missing = await pickup([], { cwd: project.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/sources\[0\]\.with\.path: folder .*home does not exist/);
    await writeFile(project.path('home'), 'a file');
    const file = await pickup([], { cwd: project.dir });
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/sources\[0\]\.with\.path: .*home is not a folder/);
  });

  it('an unreadable subfolder: its archive is partial, the others are whole', async () => {
    project = await makeProject();
    await makeHome(project.path('home'));
    await chmod(project.path('home/bob'), 0o000);
    await project.writeConfig(config);
    const result = await pickup([], { cwd: project.dir, wrap: withoutPermissionOverride() });
    await chmod(project.path('home/bob'), 0o755);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: source home: .*home\/bob cannot be read: permission denied/);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].status).toBe('partial');
    const restored = await pickup(['restore', '--source', 'home', '--only', 'alice', '--to', project.path('back')], {
      cwd: project.dir,
    });
    expect(restored.code).toBe(0);
    expect(Object.fromEntries(await snapshotTree(project.path('back/alice')))).toEqual(
      Object.fromEntries(await snapshotTree(project.path('home/alice'))),
    );
  });

  it('a name that is not valid UTF-8 is reported and left out; a name with a newline is kept', async () => {
    project = await makeProject();
    await mkdir(project.path('home/ok'), { recursive: true });
    await writeFile(project.path('home/ok/file'), 'ok');
    await mkdir(Buffer.concat([Buffer.from(`${project.path('home')}/`), Buffer.from([0x62, 0x61, 0x64, 0xff])]));
    await mkdir(project.path('home/two\nlines'));
    await writeFile(project.path('home/two\nlines/file'), 'new line');
    await project.writeConfig(config);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /warning: source home: .*home\/bad\\xff has a name that is not valid UTF-8; rename it to back it up/,
    );
    const [backup] = await completeBackups(project.path('backups'));
    expect((await readdir(project.path('backups', backup!, 'home/folders'))).sort()).toEqual([
      'ok.tar.gz',
      'two%0Alines.tar.gz',
    ]);
    const restored = await pickup(
      ['restore', '--source', 'home', '--only', 'two\nlines', '--to', project.path('back')],
      { cwd: project.dir },
    );
    expect(restored.code).toBe(0);
    expect(await readFile(project.path('back/two\nlines/file'), 'utf8')).toBe('new line');
  });

  it('a top-level symlink is stored as a link, not followed', async () => {
    project = await makeProject();
    await mkdir(project.path('elsewhere'));
    await writeFile(project.path('elsewhere/secret'), 'outside the backed-up folder');
    await mkdir(project.path('home/alice'), { recursive: true });
    await symlink('../elsewhere', project.path('home/shortcut'));
    await project.writeConfig(config);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    expect(await readdir(project.path('backups', backup!, 'home/folders'))).toEqual(['alice.tar.gz']);
    const listing = execFileSync('tar', ['-tvzf', project.path('backups', backup!, 'home/top-level-files.tar.gz')], {
      encoding: 'utf8',
    });
    expect(listing).toMatch(/^l.* shortcut -> \.\.\/elsewhere$/m);
    expect(listing).not.toMatch(/secret/);
    expect(existsSync(project.path('backups', backup!, 'home/folders/shortcut.tar.gz'))).toBe(false);
  });
});
