// Fake plugins for the in-process tests of the commands: small, but real in what matters (a source
// writes real files, a target stores them in a real folder, atomically), and found by package name
// from the config's folder as any plugin is.
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defineSource, defineTarget } from '../../src/plugin/define.js';
import { checkedBackupId, checkedBackupPath, PARTIAL_SUFFIX, runFolderEntry } from '../../src/plugin/run-folders.js';
import { z } from 'zod';

const REGISTRY = Symbol.for('pickup-test-fakes');
const shared = globalThis as Record<symbol, unknown>;
shared[REGISTRY] ??= {};
const registry = shared[REGISTRY] as Record<string, unknown>;

/** A source that writes the files it is given; `fail` makes it throw, `waitFor` makes it wait for a file to exist. */
export const fakeSource = defineSource({
  options: z.object({
    files: z.record(z.string(), z.string()),
    fail: z.string().optional(),
    waitFor: z.string().optional(),
  }),
  describe: (options) => `${Object.keys(options.files).length} file(s)`,
  async backup({ options, dir, signal }) {
    for (const [name, text] of Object.entries(options.files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    if (options.waitFor) await waitForFile(options.waitFor, signal);
    if (options.fail) throw new Error(options.fail);
  },
  async restore({ files, to }) {
    for (const file of files) {
      await mkdir(dirname(join(to, file.path)), { recursive: true });
      await copyFile(file.localPath, join(to, file.path));
    }
  },
});

/** A target storing each backup in `<path>/<runId>`, written as `<runId>.partial` first; `fail` makes its push throw. */
export const fakeTarget = defineTarget({
  options: z.object({ path: z.string(), fail: z.string().optional() }),
  describe: (options, resolvePath) => `folder ${resolvePath(options.path)}`,
  async push({ options, resolvePath, run, signal }) {
    const final = join(resolvePath(options.path), run.runId);
    const partial = `${final}${PARTIAL_SUFFIX}`;
    for (const path of [...run.files.map((file) => file.path), run.manifestFile]) {
      signal.throwIfAborted();
      if (options.fail && path === run.manifestFile) throw new Error(options.fail);
      await mkdir(dirname(join(partial, path)), { recursive: true });
      await copyFile(join(run.dir, path), join(partial, path));
    }
    await rename(partial, final);
  },
  list: async ({ options, resolvePath }) =>
    (await readdir(resolvePath(options.path))).flatMap((name) => runFolderEntry(name) ?? []),
  async remove({ options, resolvePath, id }) {
    await rm(join(resolvePath(options.path), checkedBackupId(id)), { recursive: true });
  },
  async read({ options, resolvePath, id, path }) {
    return createReadStream(join(resolvePath(options.path), checkedBackupId(id), checkedBackupPath(path)));
  },
});

/**
 * A config folder with the fakes installed as `pickup-source-fake` and `pickup-target-fake` (packages
 * whose default export is the plugin above), and a `pickup.config.json` written from `config`.
 */
export async function fakeProject(): Promise<FakeProject> {
  const dir = await mkdtemp(join(tmpdir(), 'pickup-commands-'));
  registry.source = fakeSource;
  registry.target = fakeTarget;
  for (const kind of ['source', 'target']) {
    const pkg = join(dir, 'node_modules', `pickup-${kind}-fake`);
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: `pickup-${kind}-fake`, version: '1.0.0', type: 'module', main: 'index.js' }),
    );
    await writeFile(join(pkg, 'index.js'), `export default globalThis[Symbol.for('pickup-test-fakes')].${kind};\n`);
  }
  const file = join(dir, 'pickup.config.json');
  return {
    dir,
    file,
    path: (...parts) => join(dir, ...parts),
    writeConfig: (config) =>
      writeFile(file, JSON.stringify({ staging: join(dir, 'staging'), log: { dir: join(dir, 'logs') }, ...config })),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface FakeProject {
  dir: string;
  /** The config file. */
  file: string;
  path(...parts: string[]): string;
  writeConfig(config: Record<string, unknown>): Promise<void>;
  remove(): Promise<void>;
}

/** The names of the complete backups in a fake target's folder. */
export async function storedBackups(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => !name.endsWith(PARTIAL_SUFFIX)).sort();
}

export async function textOf(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

async function waitForFile(path: string, signal: AbortSignal): Promise<void> {
  while (
    !(await stat(path).then(
      () => true,
      () => false,
    ))
  ) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
