// Pushes a staged run (a folder with its manifest.json) with one target plugin, in a process of its
// own so that its time and memory can be measured.
// Usage: node target-push.mjs <plugin package folder> <options as JSON> <staged run folder>
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keepYoungGenerationSmall } from '../../packages/cli/dist/heap.js';

// The heap as the `pickup` command keeps it, set before the rest is loaded.
keepYoungGenerationSmall();
const { createLogger, MANIFEST_FILE, manifestFiles } = await import('../../packages/core/dist/index.js');

const [pluginDir, optionsJson, runDir] = process.argv.slice(2);
const plugin = (await import(pathToFileURL(resolve(pluginDir, 'dist/index.js')).href)).default;
const logger = await createLogger({ quiet: true });
const manifest = JSON.parse(await readFile(resolve(runDir, MANIFEST_FILE), 'utf8'));
const run = {
  runId: manifest.runId,
  dir: resolve(runDir),
  files: manifestFiles(manifest),
  manifestFile: MANIFEST_FILE,
  manifest,
};
const result = await plugin.push({
  options: plugin.options.parse(JSON.parse(optionsJson)),
  name: 'bench',
  resolvePath: (path) => resolve(path),
  log: logger.log,
  signal: new AbortController().signal,
  run,
});
await logger.close();
process.stdout.write(JSON.stringify({ files: run.files.length, ...(result ?? {}) }));
