import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privateTempDir } from '@pickup/core/plugin';
import type { Connection } from './connection.js';

/**
 * Runs `work` with a temporary option file holding the connection and the password (mode 0600, in a
 * private folder, removed afterwards): the tools read it with --defaults-extra-file, so the password is
 * never in their argv or environment.
 */
export async function withOptionFile<T>(connection: Connection, work: (path: string) => Promise<T>): Promise<T> {
  const dir = await privateTempDir('mysql');
  try {
    const path = join(dir, 'client.cnf');
    await writeFile(path, optionFileText(connection), { mode: 0o600 });
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function optionFileText(connection: Connection): string {
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['[client]', `user=${quote(connection.user)}`];
  if (connection.password !== undefined) lines.push(`password=${quote(connection.password)}`);
  if (connection.socket) lines.push(`socket=${quote(connection.socket)}`);
  else lines.push(`host=${quote(connection.host)}`, `port=${connection.port}`, 'protocol=TCP');
  const tls = connection.tls;
  if (tls !== false) {
    lines.push('ssl');
    if (tls !== true && tls.ca) lines.push(`ssl-ca=${quote(tls.ca)}`);
    if (tls === true || !tls.insecure) lines.push('ssl-verify-server-cert');
  }
  return `${lines.join('\n')}\n`;
}
