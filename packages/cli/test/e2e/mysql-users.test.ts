// needs: mariadb, ftp
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { backupsOnDisk, ftp, mariadb, type Ftp, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_us_${suffix}`;
/** A password, TLS and a resource limit; a role, and a grant on a database. */
const withPassword = `pickup_u1_${suffix}`;
/** A password or the Unix socket: the socket stays, the password goes. */
const passwordOrSocket = `pickup_u2_${suffix}`;
/** No password at all. */
const noPassword = `pickup_u3_${suffix}`;
const role = `pickup_role_${suffix}`;

function populate(my: Mariadb): void {
  my.sql(
    `CREATE DATABASE ${db};
     CREATE USER '${withPassword}'@'%' IDENTIFIED BY 'u1-${suffix}' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10;
     CREATE USER '${passwordOrSocket}'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('u2-${suffix}') OR unix_socket;
     CREATE USER '${noPassword}'@'10.0.0.%';
     CREATE ROLE ${role};
     GRANT SELECT, INSERT ON ${db}.* TO ${role};
     GRANT ${role} TO '${withPassword}'@'%';
     GRANT SELECT ON ${db}.* TO '${withPassword}'@'%';
     GRANT UPDATE ON ${db}.* TO '${passwordOrSocket}'@'localhost';`,
  );
}

const accounts = [`'${withPassword}'@'%'`, `'${passwordOrSocket}'@'localhost'`, `'${noPassword}'@'10.0.0.%'`];

/** A MariaDB of the test's own, reached by its socket as root, for restoring accounts into. */
interface PrivateServer {
  socket: string;
  sql(sql: string): string;
  stop(): Promise<void>;
}

async function startPrivateServer(): Promise<PrivateServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pickup-mariadb-'));
  await chmod(dir, 0o755);
  if (process.getuid?.() === 0) await chown(dir, Number(execFileSync('id', ['-u', 'mysql'], { encoding: 'utf8' })), 0);
  const socket = join(dir, 'mariadb.sock');
  const data = `--datadir=${dir}/data`;
  const install = ['--no-defaults', '--user=mysql', data, '--auth-root-authentication-method=socket', '--skip-test-db'];
  execFileSync('mariadb-install-db', install, { stdio: 'ignore' });
  const options = ['--skip-networking', '--innodb-buffer-pool-size=16M', `--log-error=${dir}/error.log`];
  const server = spawn('mariadbd', ['--no-defaults', '--user=mysql', data, `--socket=${socket}`, ...options], {
    stdio: 'ignore',
  });
  const client = ['--no-defaults', '-S', socket, '-uroot', '--batch', '--skip-column-names'];
  const sql = (text: string) =>
    execFileSync('mariadb', [...client, '-e', text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  for (let tries = 0; ; tries++) {
    try {
      sql('SELECT 1');
      break;
    } catch (error) {
      if (tries > 100 || server.exitCode !== null) {
        throw new Error(
          `the private MariaDB did not start: ${existsSync(`${dir}/error.log`) ? await readFile(`${dir}/error.log`, 'utf8') : error}`,
        );
      }
      await sleep(100);
    }
  }
  return {
    socket,
    sql,
    async stop() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An account as the server describes it, with its grants, but without any password hash. */
function account(sql: (text: string) => string, name: string): { create: string; grants: string[] } {
  const withoutHash = (text: string) =>
    text.replace(/ IDENTIFIED BY PASSWORD '[^']*'/, '').replace(/ IDENTIFIED VIA .*?(?= REQUIRE| WITH|$)/, '');
  return {
    create: withoutHash(sql(`SHOW CREATE USER ${name}`)),
    grants: sql(`SHOW GRANTS FOR ${name}`).split('\n').map(withoutHash).sort(),
  };
}

/** How the private server keeps an account: its plugin, authentication string and whether it is locked. */
function authentication(sql: (text: string) => string, name: string): string {
  const fields = ['plugin', 'authentication_string', 'account_locked']
    .map((field) => `JSON_VALUE(Priv, '$.${field}')`)
    .join(', ');
  return sql(`SELECT ${fields} FROM mysql.global_priv WHERE CONCAT("'", User, "'@'", Host, "'") = "${name}"`);
}

describe('mysql users: userPasswords, and the warning about password hashes going off the machine', () => {
  let my: Mariadb;
  let server: Ftp;
  let project: Project;
  let remote: string;
  let recipient: string;
  let restored: PrivateServer;

  beforeAll(async () => {
    restored = await startPrivateServer();
    my = mariadb();
    server = ftp();
    populate(my);
    remote = `pickup-users-${suffix}`;
    project = await makeProject();
    await writeFile(project.path('my-password'), `${my.password}\n`, { mode: 0o600 });
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
    execFileSync('age-keygen', ['-o', project.path('age.key')], { stdio: 'ignore' });
    recipient = /public key: (age1\w+)/.exec(await readFile(project.path('age.key'), 'utf8'))![1]!;
  });
  afterAll(async () => {
    my.sql(
      `DROP DATABASE IF EXISTS ${db}; DROP ROLE IF EXISTS ${role}; ${accounts.map((name) => `DROP USER IF EXISTS ${name};`).join(' ')}`,
    );
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
    await restored?.stop();
  });

  const source = (extra: Record<string, unknown> = {}) => ({
    name: 'my',
    use: 'mysql',
    with: {
      host: my.host,
      port: my.port,
      user: my.user,
      passwordFile: './my-password',
      databases: [db],
      users: true,
      ...extra,
    },
  });
  const disk = { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } };
  const ftpTarget = (path: string) => ({
    name: 'ftp',
    use: 'ftp',
    with: {
      host: server.host,
      port: server.port,
      user: server.user,
      passwordFile: './ftp-password',
      path: `${remote}/${path}`,
    },
  });
  const hashWarning = new RegExp(
    "warning: source my: users\\.sql holds the accounts' password hashes and goes unencrypted to target ftp, on another machine; " +
      '.*userPasswords: false in sources\\[0\\]\\.with',
  );

  /** Backs up to the folder target and restores the accounts into the private server. */
  async function backUpAndRestoreUsers(
    extra: Record<string, unknown>,
  ): Promise<{ usersSql: string; restoreOutput: string }> {
    await project.writeConfig({ sources: [source(extra)], targets: [disk] });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const backup = (await completeBackups(project.path('backups'))).sort().at(-1)!;
    const usersSql = await readFile(project.path('backups', backup, 'my/users.sql'), 'utf8');
    // The same source, pointed at the private server; root logs in by its socket, without a password.
    const privately = { ...source(extra), with: { socket: restored.socket, user: 'root', users: true } };
    await project.writeConfig({ sources: [privately], targets: [disk] }, 'private.config.ts');
    const args = [
      'restore',
      backup,
      '--config',
      'private.config.ts',
      '--source',
      'my',
      '--only',
      'users',
      '--to',
      'mysql',
    ];
    const restore = await pickup(args, { cwd: project.dir });
    expect(restore.code).toBe(0);
    return { usersSql, restoreOutput: restore.stdout + restore.stderr };
  }

  it('userPasswords: false leaves every hash out; accounts, harmless plugins, roles and grants restore, password accounts locked', async () => {
    const { usersSql, restoreOutput } = await backUpAndRestoreUsers({ userPasswords: false });
    const hashes = my
      .sql("SELECT DISTINCT authentication_string FROM mysql.user WHERE authentication_string <> ''")
      .split('\n');
    expect(hashes.length).toBeGreaterThan(2);
    expect(hashes.filter((hash) => usersSql.includes(hash))).toEqual([]);
    const statements = usersSql.split('\n').filter((line) => !line.startsWith('--'));
    expect(statements.filter((line) => /IDENTIFIED BY|USING '| AS '/.test(line))).toEqual([]);
    expect(statements.filter((line) => line.includes(withPassword))).toEqual([
      `CREATE USER IF NOT EXISTS \`${withPassword}\`@\`%\` REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 ACCOUNT LOCK;`,
      `GRANT \`${role}\` TO \`${withPassword}\`@\`%\`;`,
      `GRANT USAGE ON *.* TO \`${withPassword}\`@\`%\` REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10;`,
      `GRANT SELECT ON \`${db}\`.* TO \`${withPassword}\`@\`%\`;`,
    ]);

    const [locked, socketToo, open] = accounts as [string, string, string];
    const original = account(my.sql, locked);
    expect(account(restored.sql, locked)).toEqual({ ...original, create: `${original.create} ACCOUNT LOCK` });
    for (const name of [socketToo, open]) expect(account(restored.sql, name)).toEqual(account(my.sql, name));
    expect(restored.sql(`SHOW GRANTS FOR ${role}`)).toBe(my.sql(`SHOW GRANTS FOR ${role}`));
    expect(authentication(restored.sql, locked)).toBe('mysql_native_password\t\t1');
    expect(restored.sql(`SHOW CREATE USER ${socketToo}`)).toMatch(/IDENTIFIED VIA unix_socket$/);
    expect(authentication(restored.sql, open)).toBe('mysql_native_password\t\tNULL');
    expect(restoreOutput).toMatch(
      new RegExp(
        `warning: source my: \\d+ accounts? (was|were) restored locked and without a password \\(the backup was made with userPasswords: false\\): ` +
          `.*'${withPassword}'@'%'.*; give each a password and unlock it: ALTER USER 'name'@'host' IDENTIFIED BY '\\.\\.\\.' ACCOUNT UNLOCK`,
      ),
    );
    expect(restoreOutput).not.toContain(passwordOrSocket);
  });

  it('by default (userPasswords: true) the accounts come back with their password hashes', async () => {
    restored.sql(`DROP ROLE IF EXISTS ${role}; ${accounts.map((name) => `DROP USER IF EXISTS ${name};`).join(' ')}`);
    await backUpAndRestoreUsers({});
    const hash = (sql: (text: string) => string) =>
      sql(`SELECT authentication_string FROM mysql.user WHERE User = '${withPassword}'`);
    expect(hash(restored.sql)).toMatch(/^\*[0-9A-F]{40}$/);
    expect(hash(restored.sql)).toBe(hash(my.sql));
    expect(restored.sql(`SHOW CREATE USER ${accounts[1]}`)).toBe(my.sql(`SHOW CREATE USER ${accounts[1]}`));
  });

  it('check and run warn when the hashes go unencrypted to the FTP server; not without them, encrypted, or to a folder', async () => {
    const bare = { ...source({ userPasswords: false }), name: 'bare' };
    await project.writeConfig({ sources: [source(), bare], targets: [ftpTarget('clear')] }, 'ftp.config.ts');
    await project.writeConfig(
      { sources: [source()], targets: [ftpTarget('sealed')], encryption: { recipients: [recipient] } },
      'sealed.config.ts',
    );
    await project.writeConfig({ sources: [source()], targets: [disk] }, 'local.config.ts');

    const check = await pickup(['check', '--config', 'ftp.config.ts'], { cwd: project.dir });
    expect(check.stderr).toMatch(hashWarning);
    expect(check.stderr).not.toMatch(/source bare: .*password hashes/);
    const run = await pickup(['--config', 'ftp.config.ts'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(hashWarning);
    expect(run.stderr).not.toMatch(/source bare: .*password hashes/);
    expect(backupsOnDisk(join(server.home, remote, 'clear')).complete).toHaveLength(1);

    for (const name of ['sealed.config.ts', 'local.config.ts']) {
      const quiet = await pickup(['check', '--config', name], { cwd: project.dir });
      expect(quiet.stderr, name).not.toMatch(/password hashes/);
    }
  });
});
