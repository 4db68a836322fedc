import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nearestExisting } from '@pickup/core';
import { errnoCode, ExitCode, messageOf, PickupError } from '@pickup/core/errors';
import { sh } from './next-steps.js';
import { npmInstall } from './npm-install.js';
import { mergePackageJson, wantedDependencies } from './package-json.js';
import { findPlugin, loadTemplate, type ChosenPlugin } from './plugins.js';

export interface ConfigFolderOptions {
  /** Run npm install for plugins not installed yet; false: refuse instead. */
  install: boolean;
  quiet: boolean;
  cliVersion: string;
  say(line: string): void;
}

/** The folder `pickup init` writes into, as npm sees it: its package.json, and the plugins installed in it. */
export class ConfigFolder {
  readonly packageFile: string;
  /** npm install ran, and the package.json has listed nothing new since. */
  installed = false;
  private written = false;
  private readonly loaded = new Set<ChosenPlugin>();

  constructor(
    readonly dir: string,
    private readonly options: ConfigFolderOptions,
  ) {
    this.packageFile = join(dir, 'package.json');
  }

  /**
   * Loads the template of each of `plugins` (once); those not installed are installed first, by npm install
   * with a package.json that lists `all` the plugins chosen so far (or refused, without `install`).
   */
  async provide(plugins: readonly ChosenPlugin[], all: readonly ChosenPlugin[]): Promise<void> {
    const missing = plugins.filter((plugin) => !plugin.found);
    if (missing.length > 0) {
      const names = missing.map((plugin) => plugin.package);
      if (!this.options.install) {
        throw new PickupError(
          `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not installed in ${this.dir}; install ${names.length > 1 ? 'them' : 'it'} with: ` +
            `cd ${sh(this.dir)} && npm install ${names.join(' ')} (or leave out --no-install)`,
          ExitCode.usage,
        );
      }
      await this.writePackageJson(all);
      this.options.say(`installing ${names.join(', ')}: npm install in ${this.dir}`);
      await npmInstall(this.dir, this.options.quiet);
      this.installed = true;
      for (const plugin of missing) {
        const found = findPlugin(plugin.kind, plugin.use, this.dir);
        if (!found)
          throw new PickupError(
            `npm install in ${this.dir} did not install ${plugin.package}; install it there yourself`,
            ExitCode.fatal,
          );
        Object.assign(plugin, { found, package: found.package.name });
      }
    }
    for (const plugin of plugins.filter((plugin) => !this.loaded.has(plugin))) {
      await loadTemplate(plugin);
      this.loaded.add(plugin);
    }
  }

  /**
   * Reads the package.json there (if any) and finds what to add for `plugins`: everything that can be wrong
   * with it is found before anything is written. Returns the write, which says what it did.
   */
  async preparePackageJson(plugins: readonly ChosenPlugin[]): Promise<() => Promise<void>> {
    const existing = await readFile(this.packageFile, 'utf8').catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
      throw cannot('read', this.packageFile, error);
    });
    const merged = mergePackageJson(existing, wantedDependencies(plugins, this.options.cliVersion), this.packageFile);
    return async () => {
      if (existing === undefined || merged.added.length > 0) {
        await makeFolders(this.dir).catch((error: unknown) => {
          throw cannot('create the folder', this.dir, error);
        });
        await writeFile(this.packageFile, merged.text).catch((error: unknown) => {
          throw cannot('write', this.packageFile, error);
        });
        this.installed = false;
      }
      if (existing === undefined) this.options.say(`wrote ${this.packageFile}`);
      else if (merged.added.length > 0)
        this.options.say(`added ${merged.added.join(', ')} to the dependencies in ${this.packageFile}`);
      else if (!this.written) this.options.say(`${this.packageFile} already lists every package needed`);
      this.written = true;
    };
  }

  private async writePackageJson(plugins: readonly ChosenPlugin[]): Promise<void> {
    await (await this.preparePackageJson(plugins))();
  }
}

/** `mkdir -p`, a level at a time: Node's recursive mkdir never returns for a path under /proc. */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = dir, top = await nearestExisting(dir); path !== top; path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    await mkdir(path).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
  }
}

/** `cannot write /etc/pickup/pickup.config.ts: permission denied`, without Node's repetition of the path. */
export function cannot(what: string, path: string, error: unknown): PickupError {
  const reason = /^E[A-Z]+: ([^,]+)/.exec(messageOf(error))?.[1] ?? messageOf(error);
  return new PickupError(`cannot ${what} ${path}: ${reason}`, ExitCode.fatal);
}
