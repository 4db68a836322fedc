import type { CredentialsAtRest, PluginContext } from '@pickup/core/plugin';
import { inspectServer, resolveConnection } from './connection.js';
import { GLOBALS_FILE } from './dump.js';
import type { PostgresOptions } from './options.js';

/** Whether globals.sql gets the roles' password hashes: as `rolePasswords` says, else only when a superuser dumps it. */
export function dumpsRolePasswords(options: PostgresOptions, superuser: boolean): boolean {
  return options.rolePasswords ?? superuser;
}

/** The password hashes a backup with these options holds, asking the server whether the role is a superuser when it matters. */
export async function credentialsHeld({
  options,
  resolvePath,
  log,
}: PluginContext<PostgresOptions>): Promise<CredentialsAtRest | undefined> {
  if (!options.globals || options.rolePasswords === false) return undefined;
  if (options.rolePasswords === undefined) {
    const superuser = await resolveConnection(options, resolvePath, log)
      .then((connection) => inspectServer(connection, options.maintenanceDatabase))
      .then((server) => server.superuser)
      .catch(() => false);
    if (!superuser) return undefined;
  }
  return { file: GLOBALS_FILE, holds: "the roles' password hashes", leaveOut: 'rolePasswords: false' };
}
