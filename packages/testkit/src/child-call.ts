import { execFile, fork, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { StagedRun } from '@pickup/core';

/** One push or removal for child.ts to make. */
export interface ChildJob {
  call: 'push' | 'remove';
  options: unknown;
  /** What relative paths of the options resolve against. */
  workDir: string;
  name: string;
  run?: StagedRun;
  id?: string;
}

/** What the child tells: each log line, that the call begins, how it ended. */
export type ChildReport =
  | { type: 'log'; line: string }
  | { type: 'started' }
  | { type: 'done' }
  | { type: 'failed'; message: string };

export type ChildOutcome = { status: 'done' } | { status: 'failed'; message: string } | { status: 'killed' };

/** The compiled child.js, beside this file in dist (also when the testkit's own tests run its sources). */
const CHILD_SCRIPT = fileURLToPath(new URL('../dist/child.js', import.meta.url));

/** `module` of a suite as a URL that `import()` in another process takes. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) && !isAbsolute(module) ? module : pathToFileURL(resolve(module)).href;
}

/**
 * A target call running in a child process, which the suite pauses (SIGSTOP), resumes and kills
 * (SIGKILL, with every process it started, as the next run of the core ends what a killed one left).
 */
export class ChildCall {
  /** Resolves once the plugin is loaded and the call begins; rejects if the child ends before. */
  readonly started: Promise<void>;
  /** How the call ended; `killed` when the suite killed it first. */
  readonly ended: Promise<ChildOutcome>;
  private finished = false;
  private killedBySuite = false;
  private stderr = '';

  private what = 'call';

  private constructor(
    private readonly child: ChildProcess,
    onLog: (line: string) => void,
  ) {
    let outcome: ChildOutcome | undefined;
    let markStarted!: () => void;
    let failStart!: (error: Error) => void;
    this.started = new Promise((resolve, reject) => {
      markStarted = resolve;
      failStart = reject;
    });
    this.started.catch(() => {}); // a caller that awaits only `ended` is told there
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    child.on('message', (report: ChildReport) => {
      if (report.type === 'log') onLog(report.line);
      else if (report.type === 'started') markStarted();
      else outcome = report.type === 'done' ? { status: 'done' } : { status: 'failed', message: report.message };
    });
    this.ended = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.finished = true;
        const silent = `the ${this.what} process ended (${signal ?? `exit code ${code}`}) without a word: ${this.stderr.trim()}`;
        const ended: ChildOutcome = this.killedBySuite
          ? { status: 'killed' }
          : (outcome ?? { status: 'failed', message: silent });
        failStart(
          new Error(ended.status === 'failed' ? ended.message : `the ${this.what} process ended before the call began`),
        );
        resolve(ended);
      });
    });
  }

  /**
   * A new process that loads the plugin from `module` (a file URL) at once and waits for its job: start
   * it ahead, while staging. Its log lines go to `onLog`.
   */
  static prepare(module: string, onLog: (line: string) => void): ChildCall {
    // execArgv: none of the test runner's loaders; a plain Node loads the built plugin as a user's would.
    const child = fork(CHILD_SCRIPT, [module], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new ChildCall(child, onLog);
  }

  /** Makes the call; `started` resolves as it begins. */
  run(job: ChildJob): void {
    this.what = job.call;
    this.child.send(job);
  }

  /** Whether the process still runs (its call may have ended a moment before). */
  get running(): boolean {
    return !this.finished;
  }

  pause(): void {
    if (!this.finished) this.child.kill('SIGSTOP');
  }

  resume(): void {
    if (!this.finished) this.child.kill('SIGCONT');
  }

  /**
   * Kills the process and every process it started (a tool in a process group of its own included),
   * at once: frozen first, so that it starts nothing more while they are found.
   */
  async kill(): Promise<void> {
    if (this.finished) return;
    this.killedBySuite = true;
    this.child.kill('SIGSTOP');
    const family = await descendantsOf(this.child.pid!);
    this.child.kill('SIGKILL');
    for (const { pid, pgid } of family) {
      signal(pid, 'SIGKILL');
      if (pgid === pid) signal(-pid, 'SIGKILL'); // a group leader: what it started since, too
    }
    await this.ended;
    if (family.length > 0) await gone(family.map(({ pid }) => pid));
  }
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
}

/** Every process below `root` (children, theirs...). */
async function descendantsOf(root: number): Promise<ProcessEntry[]> {
  const table = await processTable();
  const found: ProcessEntry[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const entry of table.filter(({ ppid }) => ppid === parent)) {
      found.push(entry);
      parents.push(entry.pid);
    }
  }
  return found;
}

/** The processes of this machine: from /proc on Linux (procps may not be installed), else from `ps`. */
async function processTable(): Promise<ProcessEntry[]> {
  const pids = await readdir('/proc').then(
    (names) => names.filter((name) => /^\d+$/.test(name)),
    () => undefined,
  );
  if (!pids) {
    const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=']);
    return stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .map(([pid, ppid, pgid, stat]) => ({
        pid: Number(pid),
        ppid: Number(ppid),
        pgid: Number(pgid),
        zombie: stat?.startsWith('Z') ?? false,
      }));
  }
  const entries = await Promise.all(
    pids.map(async (pid) => {
      // Fields after the command name, which is in parentheses and may hold anything: state, ppid, pgrp.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      const [state, ppid, pgid] = stat?.slice(stat.lastIndexOf(')') + 2).split(' ') ?? [];
      return stat ? [{ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: state === 'Z' }] : [];
    }),
  );
  return entries.flat();
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

/** Waits (up to 5 s) until none of `pids` runs any more (a zombie nobody reaps counts as gone). */
async function gone(pids: number[]): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const table = await processTable();
    if (!table.some((entry) => pids.includes(entry.pid) && !entry.zombie)) return;
    await sleep(50);
  }
}
