// needs: time
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTrees, makeAwkwardTree } from '@pickup/testkit';
import { packWorkspace, type PackageJson, type Tarball } from '../helpers/packs.js';
import { completeBackups, repoRoot } from '../helpers/project.js';

const run = promisify(execFile);

describe('the packages as users get them: packed, installed with npm, run as cron runs them', () => {
  let scratch: string;
  let packs: string;
  let tarballs: Map<string, Tarball>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pickup-packaging-'));
    packs = join(scratch, 'packs');
    tarballs = await packWorkspace(packs, ['./packages/*', './examples/pickup-source-command']);
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('every package holds its built code, types, README and licence, depends on nothing unpublished, and says which Node it needs', async () => {
    const workspace = (await readdir(join(repoRoot, 'packages'))).length + 1; // and the example plugin
    expect(tarballs.size).toBe(workspace);
    for (const [name, { manifest, entries }] of tarballs) {
      const problems: string[] = [];
      const exported = manifest.exports?.['.'] as Record<string, string> | undefined;
      for (const file of [
        'package.json',
        'README.md',
        'LICENSE',
        manifest.main,
        manifest.types,
        exported?.types,
        exported?.default,
      ]) {
        if (!file || !entries.includes(file.replace(/^\.\//, ''))) problems.push(`missing ${file ?? 'an entry point'}`);
      }
      for (const file of Object.values(manifest.bin ?? {}))
        if (!entries.includes(file.replace(/^\.\//, ''))) problems.push(`missing bin ${file}`);
      if (entries.some((entry) => /^(src|test)\//.test(entry))) problems.push('ships src/ or test/');
      if (manifest.license !== 'MIT') problems.push(`licence ${manifest.license}`);
      if (manifest.engines?.node !== '>=20.19') problems.push(`engines.node ${manifest.engines?.node}`);
      const specs = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies };
      for (const [dependency, spec] of Object.entries(specs))
        if (spec.startsWith('workspace:')) problems.push(`${dependency}@${spec}`);
      // A plugin uses the core the user installed: a peer, never a second copy of its own.
      if (name !== '@pickup/core' && name !== '@pickup/cli') {
        if (!manifest.peerDependencies?.['@pickup/core']) problems.push('no peer dependency on @pickup/core');
        if (manifest.dependencies?.['@pickup/core']) problems.push('@pickup/core as a dependency');
      }
      expect(problems, name).toEqual([]);
    }
  });

  it('npm installs the cli and two plugins from the tarballs; npx pickup check, run and restore work from another folder', async () => {
    const app = join(scratch, 'etc-pickup');
    const elsewhere = join(scratch, 'cron-cwd');
    await mkdir(join(app, 'data'), { recursive: true });
    await mkdir(elsewhere);
    await makeAwkwardTree(join(app, 'data'), { smallFiles: 20 });
    await writeFile(join(app, 'package.json'), '{ "name": "my-backups", "private": true }\n');
    // The core comes with the cli; the example plugin shows a third-party package found by its short name.
    // @pickup/archive comes with the folder source; given here as a tarball, since no registry has it.
    const wanted = [
      '@pickup/core',
      '@pickup/cli',
      '@pickup/archive',
      '@pickup/source-folder',
      '@pickup/target-folder',
      'pickup-source-command',
    ];
    await run('npm', ['install', '--no-audit', '--no-fund', ...wanted.map((name) => tarballs.get(name)!.file)], {
      cwd: app,
    });
    const installed = (await readdir(join(app, 'node_modules/@pickup'))).sort();
    expect(installed).toEqual(['archive', 'cli', 'core', 'source-folder', 'target-folder']);
    await writeFile(
      join(app, 'pickup.config.ts'),
      `import { defineConfig } from '@pickup/cli';

export default defineConfig({
  sources: [
    { name: 'files', use: 'folder', with: { path: './data' } },
    { name: 'versions', use: 'command', with: { command: ['node', '--version'] } },
  ],
  targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true }, retention: { keepLast: 3 } }],
});
`,
    );
    const config = join(app, 'pickup.config.ts');
    const pickup = (...args: string[]) =>
      run('npx', ['--no-install', '--prefix', app, 'pickup', ...args, '--config', config], { cwd: elsewhere });

    const check = await pickup('check');
    expect(check.stdout).toMatch(/ok: source versions: the output of node \(pickup-source-command 0\.1\.0\)/);
    const backup = await pickup('run');
    expect(backup.stderr).toBe('');
    const [id] = await completeBackups(join(app, 'backups'));
    expect(id).toBeDefined();
    expect(await readdir(join(app, 'backups', id!, 'versions'))).toEqual(['output.gz']);

    await pickup('restore', '--source', 'files', '--to', join(elsewhere, 'restored'));
    expect(await compareTrees(join(elsewhere, 'restored'), join(app, 'data'))).toEqual([]);
    const manifest = JSON.parse(await readFile(join(app, 'backups', id!, 'manifest.json'), 'utf8'));
    expect(manifest.sources.map((source: { plugin: string }) => source.plugin)).toEqual([
      '@pickup/source-folder',
      'pickup-source-command',
    ]);
  });

  it('pnpm changeset version gives each package the bump its changesets ask for: a new core does not make every plugin a major', async () => {
    const copy = join(scratch, 'versioning');
    const files = ['package.json', 'pnpm-workspace.yaml'];
    for (const folder of ['packages', 'examples'])
      for (const name of await readdir(join(repoRoot, folder))) files.push(`${folder}/${name}/package.json`);
    for (const name of await readdir(join(repoRoot, '.changeset'))) files.push(`.changeset/${name}`);
    for (const file of files) {
      await mkdir(dirname(join(copy, file)), { recursive: true });
      await copyFile(join(repoRoot, file), join(copy, file));
    }
    const before = await versions(copy);
    const asked = await bumpsAskedFor(join(copy, '.changeset'));
    const { ignore } = JSON.parse(await readFile(join(copy, '.changeset/config.json'), 'utf8')) as { ignore: string[] };
    await run(process.execPath, [join(repoRoot, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: copy });
    const after = await versions(copy);
    for (const [name, version] of before) {
      const bump = asked.get(name);
      if (ignore.includes(name)) expect(after.get(name), name).toBe(version);
      else if (bump) expect(after.get(name), `${name} (${bump})`).toBe(increment(version, bump));
      else expect([version, increment(version, 'patch')], name).toContain(after.get(name));
    }
  });
});

async function versions(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const folder of ['packages', 'examples']) {
    for (const name of await readdir(join(root, folder))) {
      const manifest = JSON.parse(await readFile(join(root, folder, name, 'package.json'), 'utf8')) as PackageJson;
      if (manifest.version) found.set(manifest.name, manifest.version);
    }
  }
  return found;
}

type Bump = 'major' | 'minor' | 'patch';

/** The highest bump the changesets in `folder` ask for, per package (their front matter: `'@pickup/core': minor`). */
async function bumpsAskedFor(folder: string): Promise<Map<string, Bump>> {
  const order: Bump[] = ['patch', 'minor', 'major'];
  const asked = new Map<string, Bump>();
  for (const name of (await readdir(folder)).filter((file) => file.endsWith('.md') && file !== 'README.md')) {
    const front = (await readFile(join(folder, name), 'utf8')).split(/^---$/m)[1] ?? '';
    for (const match of front.matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) {
      const [, pkg, bump] = match as unknown as [string, string, Bump];
      if (order.indexOf(bump) > order.indexOf(asked.get(pkg) ?? 'patch') || !asked.has(pkg)) asked.set(pkg, bump);
    }
  }
  return asked;
}

function increment(version: string, bump: Bump): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}
