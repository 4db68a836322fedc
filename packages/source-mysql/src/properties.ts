import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withClient, type Connection } from './connection.js';
import { propertiesPath } from './files.js';
import { quoteName } from './sql-text.js';

const HEADER = [
  '-- The definition of this database when it was backed up (SHOW CREATE DATABASE), by pickup.',
  '-- pickup restore creates the database it restores into with the same character set, collation and comment.',
];

/** Writes the database's definition (character set, collation, comment) beside its dump; returns its path. */
export async function saveDefinition(connection: Connection, database: string, dir: string): Promise<string> {
  const statement = await withClient(connection, async (client) => {
    const [rows] = (await client.query(`SHOW CREATE DATABASE ${quoteName(database)}`)) as unknown as [
      Record<string, string>[],
    ];
    return rows[0]!['Create Database']!;
  });
  const path = join(dir, propertiesPath(database));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${HEADER.join('\n')}\n${statement};\n`, { mode: 0o600 });
  return path;
}

/**
 * `CREATE DATABASE` for `name` with a saved definition's options: the saved statement with the name
 * replaced (`CREATE DATABASE `new` /*!40100 DEFAULT CHARACTER SET utf8mb4 ... *\/ COMMENT '...'`).
 */
export function createStatement(name: string, saved: string | undefined): string {
  if (saved === undefined) return `CREATE DATABASE ${quoteName(name)}`;
  // The name is quoted unless the server has sql_quote_show_create off.
  const options = /^CREATE DATABASE (?:`(?:[^`]|``)+`|[^\s`]+)(.*?);?$/m.exec(saved)?.[1];
  if (options === undefined)
    throw new Error(`the backup's definition of the database holds no CREATE DATABASE statement`);
  return `CREATE DATABASE ${quoteName(name)}${options}`;
}
