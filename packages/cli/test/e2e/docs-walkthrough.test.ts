// needs: time
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, Walkthrough } from '../helpers/doc-walkthrough.js';
import { packWorkspace } from '../helpers/packs.js';
import { completeBackups, repoRoot } from '../helpers/project.js';
import { serveScope, type ScopeRegistry } from '../helpers/scope-registry.js';

/** vitest's summary line, without colours: every test of the file passed, none skipped. */
function expectAllPassed(output: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
  const summary = /Tests\s+(\d+) passed \((\d+)\)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
  expect(summary, output).not.toBeNull();
  expect(Number(summary![1])).toBeGreaterThan(0);
  expect(summary![1]).toBe(summary![2]);
}

// The two plugins of docs/writing-plugins.md, built only from its code blocks and commands, against the
// @pickup packages as npm would serve them; then installed from their tarballs beside the CLI.
describe('docs/writing-plugins.md followed to the letter: its plugins install, build, pass their suites, back up and restore', () => {
  let work: string;
  let registry: ScopeRegistry;
  let env: NodeJS.ProcessEnv;
  let doc: Walkthrough;
  const at = (...parts: string[]) => join(work, ...parts);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'pickup-docs-walkthrough-'));
    doc = await Walkthrough.read(join(repoRoot, 'docs/writing-plugins.md'));
    const tarballs = await packWorkspace(at('packs'), ['./packages/*']);
    registry = await serveScope('@pickup', tarballs.values());
    // Third-party packages (vitest, typescript) come from npm's registry, from its cache when it has them.
    env = cleanEnv({ ...registry.env, npm_config_prefer_offline: 'true' });

    const helloFiles = [
      'package.json',
      'src/index.ts',
      'test/backup.test.ts',
      'test/conformance.test.ts',
      'tsconfig.json',
    ];
    expect((await doc.writeFiles(work, 'pickup-source-hello/')).sort()).toEqual(
      helloFiles.map((file) => `pickup-source-hello/${file}`),
    );
    const shelfFiles = ['package.json', 'src/index.ts', 'test/conformance.test.ts']; // its tsconfig.json is the source's
    expect((await doc.writeFiles(work, 'pickup-target-shelf/')).sort()).toEqual(
      shelfFiles.map((file) => `pickup-target-shelf/${file}`),
    );
    await doc.run('cp ../pickup-source-hello/tsconfig.json .', at('pickup-target-shelf'), env);
    // Both at once: most of it is waiting on the registry.
    await Promise.all(
      ['pickup-source-hello', 'pickup-target-shelf'].map((plugin) => doc.run('npm install', at(plugin), env)),
    );
  });
  afterAll(async () => {
    await registry?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('pickup-source-hello, installed as its package.json is written, builds with tsc and passes its tests', async () => {
    const hello = at('pickup-source-hello');
    await doc.run('npm run build', hello, env);
    expectAllPassed((await doc.run('npx vitest run', hello, env)).stdout);
    await doc.run('npm pack', hello, env);
    expect(existsSync(join(hello, 'pickup-source-hello-0.1.0.tgz'))).toBe(true);
  });

  it('installed from its tarball beside the CLI, the source is found, checked, backed up, listed and restored', async () => {
    const project = at('try-hello');
    await mkdir(project);
    await writeFile(join(project, 'pickup.config.ts'), doc.file('try-hello/pickup.config.ts', 0)); // the doc's first config
    await doc.run('npm init -y', project, env);
    await doc.run(
      'npm install @pickup/cli @pickup/target-folder ../pickup-source-hello/pickup-source-hello-0.1.0.tgz',
      project,
      env,
    );
    await doc.run("echo 'hello, world' > greeting.txt", project, env);
    // One core, the CLI's: the plugin's peer dependency, not a copy of its own.
    expect((await readdir(join(project, 'node_modules/@pickup'))).sort()).toEqual(['cli', 'core', 'target-folder']);
    expect(existsSync(join(project, 'node_modules/pickup-source-hello/node_modules'))).toBe(false);

    const plugins = await doc.run('npx --no-install pickup plugins', project, env);
    expect(plugins.stdout).toContain(
      `pickup-source-hello 0.1.0 (source) at ${project}/node_modules/pickup-source-hello, used by greeting`,
    );
    const check = await doc.run('npx --no-install pickup check', project, env);
    expect(check.stdout).toContain(`ok: source greeting: file ${project}/greeting.txt (pickup-source-hello 0.1.0)`);
    const run = await doc.run('npx --no-install pickup run', project, env);
    expect(run.stderr).toBe('');
    const [id] = await completeBackups(join(project, 'backups'));
    expect(await readFile(join(project, 'backups', id!, 'greeting/greeting.txt'), 'utf8')).toBe('hello, world\n');
    expect((await doc.run('npx --no-install pickup list', project, env)).stdout).toMatch(
      new RegExp(`${id}.*greeting\\s+complete`),
    );
    await doc.run('npx --no-install pickup restore --source greeting --to ./back', project, env);
    expect(await readFile(join(project, 'back/greeting.txt'), 'utf8')).toBe('hello, world\n');

    // "Change `file` to a missing file and run `pickup check` again: the error names the field."
    const config = join(project, 'pickup.config.ts');
    const written = await readFile(config, 'utf8');
    await writeFile(config, written.replace("file: './greeting.txt'", "file: './nope.txt'"));
    const missing = await doc.attempt('npx --no-install pickup check', project, env);
    await writeFile(config, written);
    expect(missing.code).toBe(1); // a check failed
    expect(missing.stderr).toContain(
      `${config}: sources[0].with.file: ${project}/nope.txt does not exist; fix the path`,
    );
  });

  it('pickup-target-shelf builds and passes its tests; installed beside the source, it stores the backup and restores it', async () => {
    const shelf = at('pickup-target-shelf');
    await doc.run('npm run build', shelf, env);
    expectAllPassed((await doc.run('npx vitest run', shelf, env)).stdout);
    await doc.run('npm pack', shelf, env);

    const project = at('try-hello');
    await doc.run('npm install ../pickup-target-shelf/pickup-target-shelf-0.1.0.tgz', project, env);
    expect(existsSync(join(project, 'node_modules/pickup-target-shelf/node_modules'))).toBe(false);
    await doc.run('mkdir shelf', project, env);
    await doc.writeFiles(work, 'try-hello/'); // the doc's last config: both targets
    const run = await doc.run('npx --no-install pickup run', project, env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/target shelf: stored backup /);
    const [id] = await completeBackups(join(project, 'shelf'));
    expect(await readFile(join(project, 'shelf', id!, 'greeting/greeting.txt'), 'utf8')).toBe('hello, world\n');
    await doc.run('npx --no-install pickup restore --source greeting --target shelf --to ./from-shelf', project, env);
    expect(await readFile(join(project, 'from-shelf/greeting.txt'), 'utf8')).toBe('hello, world\n');
  });
});
