import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const binPath = join(repoRoot, 'packages/cli/dist/bin.js');
const fixturesDir = join(repoRoot, 'packages/cli/test/fixtures');

export interface Project {
  /** The folder that holds the config and its node_modules, as a user's /etc/pickup would. */
  dir: string;
  path(...parts: string[]): string;
  /** Writes `pickup.config.ts` (or the given name) exporting `config`; returns its path. */
  writeConfig(config: unknown, name?: string): Promise<string>;
  remove(): Promise<void>;
}

/**
 * A temporary folder set up as a user would set one up with `npm install`: node_modules holding the
 * Pickup packages (linked from this repo) and any fixture plugin packages (copied, as installed).
 */
export async function makeProject(options: { fixtures?: string[] } = {}): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), 'pickup-test-'));
  const scope = join(dir, 'node_modules/@pickup');
  await mkdir(scope, { recursive: true });
  for (const name of await readdir(join(repoRoot, 'packages'))) {
    await symlink(join(repoRoot, 'packages', name), join(scope, name));
  }
  for (const fixture of options.fixtures ?? []) {
    await cp(join(fixturesDir, fixture), join(dir, 'node_modules', fixture), { recursive: true });
  }
  return {
    dir,
    path: (...parts) => join(dir, ...parts),
    async writeConfig(config, name = 'pickup.config.ts') {
      const file = join(dir, name);
      const body = typeof config === 'string' ? config : JSON.stringify(config, null, 2);
      await writeFile(file, name.endsWith('.json') ? body : `export default ${body};\n`);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface PickupResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Highest resident memory seen while it ran, in bytes (sampled from /proc). */
  peakRss: number;
}

export interface PickupOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** A command to run pickup under (`setpriv ...`, `unshare ...`). */
  wrap?: string[];
  /** Called once the process has started. */
  onSpawn?(pid: number): void;
}

/** Runs the built `pickup` binary as cron would: no terminal, its own environment. */
export function pickup(args: string[], options: PickupOptions): Promise<PickupResult> {
  const command = [...(options.wrap ?? []), process.execPath, binPath, ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, PICKUP_CONFIG: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peakRss = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, residentBytes(child.pid));
  }, 25);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolvePromise({ code, stdout, stderr, peakRss });
    });
  });
}

/** VmRSS of a process (and, under a wrapper, of its node child), 0 once it is gone. */
function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let total = 0;
  for (const id of [pid, ...childrenOf(pid)]) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'));
      total = Math.max(total, match ? Number(match[1]) * 1024 : 0);
    } catch {
      // gone
    }
  }
  return total;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Root reads and writes through any permission; to test "cannot be read" as root, run pickup
 * without the capabilities that allow it. As another user, permissions apply anyway.
 */
export function withoutPermissionOverride(): string[] {
  return process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'] : [];
}

/** The backups at a folder target that look complete (a folder holding a manifest). */
export async function completeBackups(targetDir: string): Promise<string[]> {
  const { existsSync } = await import('node:fs');
  if (!existsSync(targetDir)) return [];
  return (await readdir(targetDir)).filter((name) => existsSync(join(targetDir, name, 'manifest.json')));
}

/** Lines a person would read: no stack trace, no JSON. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text);
}

/** Kills a process and every process below it (vsftpd's sessions leave its process group). */
export function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // gone already
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
  for (const child of children) killTree(child);
}
