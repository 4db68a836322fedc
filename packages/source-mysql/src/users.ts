import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '@pickup/core/plugin';
import type mysql from 'mysql2/promise';
import { createWithoutSecrets, grantWithoutSecrets, withAccountLock } from './account-sql.js';
import { withClient, type Connection } from './connection.js';
import { USERS_FILE } from './files.js';
import { quoteName } from './sql-text.js';

/** Marks, in users.sql, an account created locked because its password was left out. */
const LOCKED = '-- locked, without its password: ';

export const UNLOCK_HINT = "ALTER USER 'name'@'host' IDENTIFIED BY '...' ACCOUNT UNLOCK";

interface Account {
  user: string;
  host: string;
  isRole: boolean;
}

/**
 * Every account and role with its grants, as SQL that recreates them: the CREATE statements first (roles
 * before users), then every grant, so that a role exists before it is granted. Without `passwords`, the
 * hashes and authentication strings are left out; accounts left without a way to log in are locked.
 */
export function dumpUsers(connection: Connection, dir: string, passwords: boolean): Promise<void> {
  return withClient(connection, async (client) => {
    // MySQL 8: hashes with bytes that are not text come as 0x... instead of mangled. MariaDB has no such setting.
    await client.query('SET SESSION print_identified_with_as_hex = ON').catch(() => {});
    const creates: string[] = [];
    const grants: string[] = [];
    const locked: string[] = [];
    const accounts = await listAccounts(client);
    for (const account of accounts) {
      const name = `${client.escape(account.user)}@${client.escape(account.host)}`;
      const create = account.isRole
        ? `CREATE ROLE IF NOT EXISTS ${quoteName(account.user)}`
        : await showCreateUser(client, name);
      const stripped = passwords ? { statement: create, mustLock: false } : withoutSecrets(create, name);
      const statement = stripped.mustLock ? withAccountLock(stripped.statement) : stripped.statement;
      creates.push(`${statement};`);
      if (statement !== stripped.statement) locked.push(name);
      const grantee = account.isRole ? client.escape(account.user) : name;
      const [rows] = (await client.query(`SHOW GRANTS FOR ${grantee}`)) as unknown as [Record<string, string>[]];
      for (const row of rows)
        grants.push(`${passwords ? Object.values(row)[0] : grantWithoutSecrets(Object.values(row)[0]!)};`);
    }
    const header = ['-- Accounts and grants, by pickup: SHOW CREATE USER and SHOW GRANTS of each.'];
    if (!passwords) {
      header.push(
        '-- Made with userPasswords: false: without password hashes or authentication strings. The accounts below',
        `-- could log in only with one: they are created locked. Give each a password and unlock it: ${UNLOCK_HINT};`,
        ...locked.map((name) => `${LOCKED}${name}`),
      );
    }
    await writeFile(join(dir, USERS_FILE), `${[...header, ...creates, ...grants].join('\n')}\n`, { mode: 0o600 });
  });
}

function withoutSecrets(create: string, name: string): { statement: string; mustLock: boolean } {
  try {
    return createWithoutSecrets(create);
  } catch (error) {
    throw new Error(
      `account ${name}: ${messageOf(error)}, so its password cannot be left out; users.sql is not written`,
    );
  }
}

/** The accounts a users.sql made without passwords creates locked. */
export function lockedAccounts(usersSql: string): string[] {
  return usersSql.split('\n').flatMap((line) => (line.startsWith(LOCKED) ? [line.slice(LOCKED.length)] : []));
}

async function listAccounts(client: mysql.Connection): Promise<Account[]> {
  // MariaDB's roles are rows of mysql.user (is_role), without a host; MySQL's roles are accounts.
  const [roleColumn] = (await client.query("SHOW COLUMNS FROM mysql.user LIKE 'is_role'")) as unknown as [unknown[]];
  const isRole = roleColumn.length > 0 ? "is_role = 'Y'" : '0';
  const query = `SELECT User AS user, Host AS host, ${isRole} AS isRole FROM mysql.user WHERE User <> '' ORDER BY isRole DESC, User, Host`;
  const [rows] = (await client.query(query)) as unknown as [{ user: string; host: string; isRole: number | string }[]];
  return rows.map((row) => ({ user: row.user, host: row.host, isRole: Number(row.isRole) === 1 }));
}

async function showCreateUser(client: mysql.Connection, name: string): Promise<string> {
  const [rows] = (await client.query(`SHOW CREATE USER ${name}`)) as unknown as [Record<string, string>[]];
  return Object.values(rows[0]!)[0]!.replace(/^CREATE USER /, 'CREATE USER IF NOT EXISTS ');
}
