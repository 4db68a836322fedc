import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its initial size (1 MB a half on Node 20). V8 doubles it, up to 16 MB a
 * half on Node 20 and 32 MB or more on Node 24, whenever a collection finds much surviving: a backup,
 * which keeps a few long-lived buffers and makes short-lived objects at a steady pace, gains nothing from
 * that but 30 to 60 MB of resident memory. Measured here: a run of 100 MB peaks at 90 MB instead of
 * 117 MB, in the same time.
 *
 * Set at start-up rather than as a command-line flag (`node --max-semi-space-size`), which a `#!` line
 * cannot pass portably: V8 reads the growth factor each time it considers growing.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
