import type { ChildProcess } from 'node:child_process';

/**
 * What the programs Pickup starts (tools, hooks, sendmail) leave for their messages: the end of their
 * output, their lines for the log, and how they ended.
 */

/** The end of what a child wrote: its last `keep` characters, memory bounded however much it writes. */
export class OutputTail {
  #text = '';

  constructor(private readonly keep: number) {}

  add(chunk: string): void {
    this.#text = (this.#text + chunk).slice(-this.keep);
  }

  get text(): string {
    return this.#text;
  }

  /** Its last `count` lines (blank ones among them too); none when it wrote only white space. */
  lastLines(count: number): string[] {
    const text = this.#text.trim();
    return text === '' ? [] : text.split('\n').slice(-count);
  }
}

/** Cuts text that comes in chunks into its lines for `emit`, blank ones left out; `end` gives a last line without newline. */
export function lineSplitter(emit: (line: string) => void): { write(chunk: string): void; end(): void } {
  let pending = '';
  return {
    write(chunk) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) emit(line);
    },
    end() {
      if (pending.trim()) emit(pending);
      pending = '';
    },
  };
}

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Resolves when the child has exited (`exit`), or has exited and its output has closed (`close`); rejects
 * with the error of a child that could not start (or of its `signal`'s abort, as `spawn` gives it).
 */
export function childEnded(child: ChildProcess, event: 'exit' | 'close'): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once(event, (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
  });
}

/** How a child ended, for a message: `exited with code 2`, `was killed by SIGTERM`. */
export function howItEnded({ code, signal }: ChildEnd): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** `<who> <how>: <detail>` (`pg_dump exited with code 1: connection refused`), without `: ` when there is no detail. */
export function failureMessage(who: string, how: string, detail: string | undefined): string {
  return `${who} ${how}${detail ? `: ${detail}` : ''}`;
}
