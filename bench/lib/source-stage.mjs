// Runs one source plugin's backup the way the core's staging does (backup, then the manifest's sizes
// and sha256), in a process of its own so that its time and memory can be measured.
// Usage: node source-stage.mjs <plugin package folder> <options as JSON> <staging run folder> [name]
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keepYoungGenerationSmall } from '../../packages/cli/dist/heap.js';

// The heap as the `pickup` command keeps it, set before the rest is loaded.
keepYoungGenerationSmall();
const { createLogger, describeFiles } = await import('../../packages/core/dist/index.js');

const [pluginDir, optionsJson, runDir, name = 'data'] = process.argv.slice(2);
const plugin = (await import(pathToFileURL(resolve(pluginDir, 'dist/index.js')).href)).default;
const logger = await createLogger({ quiet: true });
const dir = join(runDir, name);
await mkdir(dir, { recursive: true });
const warnings = [];
await plugin.backup({
  options: plugin.options.parse(JSON.parse(optionsJson)),
  name,
  resolvePath: (path) => resolve(path),
  log: logger.log,
  signal: new AbortController().signal,
  dir,
  warn: (message) => warnings.push(message),
});
const files = await describeFiles(runDir, dir);
await logger.close();
process.stdout.write(
  JSON.stringify({ files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0), warnings }),
);
