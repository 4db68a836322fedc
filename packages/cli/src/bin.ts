#!/usr/bin/env node
import { enableCompileCache } from './compile-cache.js';
import { keepYoungGenerationSmall } from './heap.js';

// Before anything else is loaded: what is loaded from here on can come from the compile cache, and
// the heap stays as small as a run needs.
enableCompileCache();
keepYoungGenerationSmall();

// Whatever escapes is a bug; it still gets the documented exit code, not Node's default of 1.
const FATAL = 3;
const crash = (error: unknown) => {
  const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
  const detail = error instanceof Error ? (verbose ? error.stack : error.message) : String(error);
  process.stderr.write(`pickup: internal error: ${detail}\n`);
  process.exit(FATAL);
};
process.on('uncaughtException', crash);
// A reader that goes away (`pickup run | head`) must not stop a run half-way: what is left to say is
// lost, the run goes on to its end (its after hooks, cleaning up) and the log file keeps every line.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') crash(error);
  });
}
process.on('unhandledRejection', crash);

// main() reports every error itself and says which exit code it stands for.
const { main } = await import('./cli.js');
const code = await main(process.argv.slice(2));
process.exit(code);
