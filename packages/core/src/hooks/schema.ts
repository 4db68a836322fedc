import { z } from 'zod';

/** Timers cannot wait longer (about 24 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `90s`, `30m`, `2h` (m is minutes here), or a number of seconds; above 0, at most 24 days. */
const timeout = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(s|m|h)$/, 'a time like 90s, 30m or 2h, or a number of seconds'),
  ])
  .refine(
    (value) => timeoutMs(value) > 0 && timeoutMs(value) <= MAX_TIMEOUT_MS,
    'a time above 0 and at most 24 days, like 90s, 30m or 2h',
  );

/** A shell command line (run by /bin/sh), or a program and its arguments (no shell). */
export const hookCommand = z.union([
  z.string().min(1, 'a command line, or an array of program and arguments'),
  z.array(z.string()).min(1, 'a program and its arguments'),
]);

/** Commands run before and after a whole run (top-level `hooks`) or one source (`sources[i].hooks`). */
export const hooksSchema = z
  .object({
    /** Runs first; if it fails, the run (or the source) fails and nothing of it is backed up. */
    before: hookCommand.optional(),
    /** Runs at the end however it went (also when `before` failed); told how through PICKUP_* variables. */
    after: hookCommand.optional(),
    /** Each hook is killed after this long and counts as failed. */
    timeout: timeout.default('1h'),
  })
  .strict();

export type HookCommand = z.output<typeof hookCommand>;
export type Hooks = z.output<typeof hooksSchema>;

/** The timeout of a hook, in milliseconds. */
export function timeoutMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[value.slice(-1) as 's' | 'm' | 'h'];
  return Number(value.slice(0, -1)) * unit;
}
