import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A code block of a doc that is a file: the bold path right above its fence (**`try/pickup.config.ts`**). */
export interface DocFile {
  path: string;
  text: string;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A doc's step-by-step walkthrough, as a reader follows it: its files, in the order the doc gives them
 * (a later block of the same path is that file edited), and its shell commands, run only if the doc
 * shows them exactly so.
 */
export class Walkthrough {
  private constructor(
    readonly files: DocFile[],
    private readonly commands: Set<string>,
  ) {}

  static async read(docPath: string): Promise<Walkthrough> {
    const markdown = await readFile(docPath, 'utf8');
    const files: DocFile[] = [];
    const commands = new Set<string>();
    for (const match of markdown.matchAll(/^(?:\*\*`([^`\n]+)`\*\*\n)?```(\w*)[^\n]*\n([\s\S]*?)^```$/gm)) {
      const [, path, language, text] = match as unknown as [string, string | undefined, string, string];
      if (path) files.push({ path, text });
      else if (language === 'sh') for (const line of text.split('\n')) commands.add(line.replace(/\s+#.*$/, '').trim());
    }
    return new Walkthrough(files, commands);
  }

  /** The text of the `nth` block titled `path` (0: as first written). */
  file(path: string, nth = 0): string {
    const text = this.files.filter((file) => file.path === path)[nth]?.text;
    if (text === undefined) throw new Error(`the doc has no block ${nth} titled ${path}`);
    return text;
  }

  /** Writes the last version of each file below `folder` (`pickup-source-hello/`) into `root`, at the doc's paths. */
  async writeFiles(root: string, folder: string): Promise<string[]> {
    const latest = new Map(
      this.files.filter((file) => file.path.startsWith(folder)).map((file) => [file.path, file.text]),
    );
    for (const [path, text] of latest) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return [...latest.keys()];
  }

  /** Runs a command line of the doc's `sh` blocks (without its comment) with bash in `cwd`; fails if the doc does not show it, or it fails. */
  async run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
    const result = await this.attempt(command, cwd, env);
    if (result.code !== 0)
      throw new Error(`${command} failed (exit ${result.code}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  /** As `run`, for a command that may fail: its exit code, stdout and stderr. */
  async attempt(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
    if (!this.commands.has(command)) throw new Error(`the doc does not show the command: ${command}`);
    try {
      return { code: 0, ...(await run('bash', ['-c', command], { cwd, env, maxBuffer: 16 * 1024 * 1024 })) };
    } catch (error) {
      const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof code !== 'number') throw error;
      return { code, stdout, stderr };
    }
  }
}

/** npm settings of the machine (a mirror, a cache, certificates) that a person's shell would have too. */
const MACHINE_NPM_SETTINGS =
  /^npm_config_(cache|userconfig|globalconfig|cafile|registry|proxy|https_proxy|noproxy|strict_ssl)$/i;

/**
 * The environment of a person's shell: without what the test runner and the package manager that started
 * it put there (vitest's variables, `npm_*` settings such as the repository as npm's prefix, NODE_PATH
 * into the repository's node_modules), so that what the walkthrough installs is all it uses.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const runners = /^(VITEST|TEST$|NODE_PATH$|NODE_ENV$|NODE_OPTIONS$|PICKUP_)/i.test(key);
    if (!runners && (!/^npm_/i.test(key) || MACHINE_NPM_SETTINGS.test(key))) env[key] = value;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}
