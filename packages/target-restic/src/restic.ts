import { existsSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { spawnTracked, ToolError, type Logger } from '@pickup/core/plugin';
import { explain } from './failure.js';
import type { Repository } from './repository.js';

/** How every restic command of one target is run: the repository, its environment, the global flags. */
export interface ResticSetup {
  program: string;
  repository: Repository;
  /** The whole environment restic gets (the password's file or command, the backend's credentials). */
  env: Record<string, string>;
  /** Flags for every command: `-r`, compression, upload limit, the sftp command, the extra arguments. */
  globalArgs: string[];
  /** Values no message may show (the backend credentials, a password in the repository URL). */
  secrets: string[];
  passwordOption: 'passwordFile' | 'passwordCommand';
  log: Logger;
  signal?: AbortSignal | undefined;
}

export interface RunOptions {
  /** Each line restic prints on stdout, as it comes (its --json messages). */
  onLine?(line: string): void;
  cwd?: string;
  /** Whether the command may be cut off by the target's signal (a cleanup must not be). */
  detached?: boolean;
}

/**
 * `setpriv --pdeathsig KILL` ends restic when Pickup dies (kill -9, a power cut of the process): a restic
 * left running could otherwise finish a snapshot of a run Pickup no longer knows about.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

/** Runs restic commands for one repository. */
export class Restic {
  constructor(readonly setup: ResticSetup) {}

  get repository(): Repository {
    return this.setup.repository;
  }

  /** Runs a command; resolves with its stdout, rejects with restic's reason (see failure.ts). */
  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const chunks: Buffer[] = [];
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await this.spawn(args, output, options);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Runs a command whose stdout is data (`dump`): a stream, at its reader's pace, that a failure destroys with restic's reason. */
  stream(args: readonly string[]): Readable {
    const output = new PassThrough();
    this.spawn(args, output, {}).then(
      () => output.end(), // after every byte: spawn waits for the reader before it settles
      (error: Error) => output.destroy(error),
    );
    return output;
  }

  private async spawn(args: readonly string[], output: PassThrough, options: RunOptions): Promise<void> {
    const { program, env, globalArgs, log } = this.setup;
    const argv = [...globalArgs, ...args];
    const [command, commandArgs] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', program, ...argv]]
      : [program, argv];
    const signal = options.detached ? undefined : this.setup.signal;
    signal?.throwIfAborted();
    const child = spawnTracked(command, commandArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      cwd: options.cwd,
      signal,
    });
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      // At the reader's pace: `dump` of a large file must not fill memory.
      if (!output.write(chunk)) {
        child.stdout!.pause();
        output.once('drain', () => child.stdout!.resume());
      }
      if (!options.onLine) return;
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line) options.onLine(line);
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
    const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? missingProgram(program) : error),
      );
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    if (pending && options.onLine) options.onLine(pending);
    for (const line of this.blank(stderr).trim().split('\n')) if (line) log.debug(`restic ${args[0]}: ${line}`);
    if (code === 0) return;
    if (signal?.aborted) throw signal.reason;
    // setpriv could not start it: the program is not there.
    if (SETPRIV && code === 127 && /setpriv: failed to execute/.test(stderr)) throw missingProgram(program);
    throw explain({
      command: args[0]!,
      code,
      killedBy,
      stderr: this.blank(stderr),
      repository: this.repository,
      program,
      passwordOption: this.setup.passwordOption,
    });
  }

  /** restic's words with every secret blanked (it prints the repository as given, password and all). */
  blank(text: string): string {
    let blanked = text;
    for (const secret of this.setup.secrets) if (secret) blanked = blanked.split(secret).join('***');
    return blanked;
  }
}

function missingProgram(program: string): ToolError {
  return new ToolError(
    `${program} was not found; install restic ${MINIMUM_VERSION.join('.')} or newer (Debian: apt install restic)`,
    null,
    '',
  );
}

/** The oldest restic this target works with: repository format 2 (compression) and `backup --json` as used here. */
export const MINIMUM_VERSION = [0, 14, 0] as const;
