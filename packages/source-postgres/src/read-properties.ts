import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, type Logger } from '@pickup/core/plugin';
import { propertiesList, renameDatabase, type PropertiesScript } from './database-properties.js';

/**
 * The script that creates `to` with the properties `from` had (encoding, locale, owner, settings,
 * grants, comment), read from a custom-format or directory archive with pg_restore, which needs no
 * server for it. Undefined when the archive holds none (an older plain backup's missing sidecar, `pg_dump -n`).
 */
export async function readPropertiesScript(
  tools: { pgRestore: string; log: Logger; signal: AbortSignal },
  archive: string,
  names: { from: string; to: string },
  workDir: string,
): Promise<PropertiesScript | undefined> {
  const run = { log: tools.log, signal: tools.signal };
  const toc = join(workDir, 'toc');
  await runTool(tools.pgRestore, ['--create', '--list', `--file=${toc}`, archive], run);
  const list = propertiesList(await readFile(toc, 'latin1'));
  if (list === undefined) return undefined;
  await writeFile(join(workDir, 'properties.list'), list, { encoding: 'latin1', mode: 0o600 });
  const script = join(workDir, 'properties.sql');
  await runTool(
    tools.pgRestore,
    ['--create', '--schema-only', `--use-list=${join(workDir, 'properties.list')}`, `--file=${script}`, archive],
    run,
  );
  return renameDatabase(await readFile(script, 'latin1'), names.from, names.to);
}
