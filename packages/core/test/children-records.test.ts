import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../src/log/logger.js';
import { endLeftoverChildren } from '../src/process/children.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-children-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('a record a killed run left half written (empty, cut JSON, a .tmp) ends nothing, fails nothing, and is removed', async () => {
  await writeFile(join(dir, '4242'), '');
  await writeFile(join(dir, '4243'), '{"pid":4243,"sta');
  await writeFile(join(dir, '4244.tmp'), '{"pid":4244,"command":"pg_dump"}\n');
  const logger = await createLogger({ quiet: true });
  try {
    expect(await endLeftoverChildren(dir, logger.log)).toEqual([]);
  } finally {
    await logger.close();
  }
  expect(await readdir(dir)).toEqual([]);
});
