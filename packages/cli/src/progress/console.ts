import { Writable } from 'node:stream';

/** Where the console logger writes: the terminal, or above the live display while it is shown. */
export interface ConsoleSink {
  stdout: Writable;
  stderr: Writable;
}

/**
 * A console sink whose lines can be redirected above a live display. Without a display, stdout and
 * stderr lines go where they always go.
 */
export function consoleSink(): ConsoleSink & { divert(to: ((text: string) => void) | undefined): void } {
  let diverted: ((text: string) => void) | undefined;
  const make = (target: NodeJS.WriteStream) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        if (diverted) diverted(String(chunk).replace(/\n$/, ''));
        else target.write(chunk);
        done();
      },
    });
  return { stdout: make(process.stdout), stderr: make(process.stderr), divert: (to) => (diverted = to) };
}

/** Whether to show the live display: only for a person at a terminal (both streams a TTY), never for cron or a pipe. */
export function wantsProgress(options: { enabled: boolean; quiet: boolean; json: boolean }): boolean {
  return options.enabled && !options.quiet && !options.json && !!process.stderr.isTTY && !!process.stdout.isTTY;
}
