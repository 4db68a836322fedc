// needs: postgres
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '@pickup/testkit';
import { postgres, type Postgres } from '../../../test/servers.js';
import postgresSource from '../src/index.js';

describe('postgres source: logging in', () => {
  let pg: Postgres;
  let harness: Harness;
  const saved = { PGPASSWORD: process.env.PGPASSWORD, HOME: process.env.HOME, PGPASSFILE: process.env.PGPASSFILE };

  beforeAll(async () => {
    pg = postgres();
    harness = await openHarness();
    await mkdir(join(harness.workDir, 'home'));
    delete process.env.PGPASSFILE;
    process.env.HOME = join(harness.workDir, 'home'); // no ~/.pgpass
  });
  afterEach(() => {
    if (saved.PGPASSWORD === undefined) delete process.env.PGPASSWORD;
    else process.env.PGPASSWORD = saved.PGPASSWORD;
  });
  afterAll(async () => {
    Object.assign(process.env, saved);
    for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key];
    await harness.close();
  });

  const check = (options: Record<string, unknown>) =>
    postgresSource.check!(harness.context(postgresSource, 'db', { databases: ['postgres'], ...options }));
  const server = () => ({ host: pg.host, port: pg.port, user: pg.user });

  it('reads the password file as every part of Pickup does: a line ending of an editor on Windows is not part of it', async () => {
    await writeFile(join(harness.workDir, 'windows-password'), `${pg.password}\r\n`, { mode: 0o600 });
    await expect(check({ ...server(), passwordFile: 'windows-password' })).resolves.toBeUndefined();
  });

  it.each([
    ['passwordFile ./wrong-password', { passwordFile: './wrong-password' }, undefined],
    ['password in the config', { password: 'wrong-in-config' }, undefined],
    ['the connectionString', { connectionString: `postgres://${'u'}:wrong-in-uri@127.0.0.1/postgres` }, undefined],
    ['\\$PGPASSWORD', {}, 'wrong-in-env'],
    ['~/.pgpass or none', {}, undefined],
  ])(
    'a failed login says where the password came from (%s), never the password',
    async (from, options, environment) => {
      await writeFile(join(harness.workDir, 'wrong-password'), 'wrong-in-file\n', { mode: 0o600 });
      delete process.env.PGPASSWORD;
      if (environment) process.env.PGPASSWORD = environment;
      const message = await check({ ...server(), ...options }).then(
        () => 'it connected',
        (error: Error) => error.message,
      );
      const where = `127\\.0\\.0\\.1:${pg.port} as ${pg.user}`;
      expect(message).toMatch(
        new RegExp(
          `^cannot connect to PostgreSQL at ${where} \\(database postgres; password from ${from.replace(/[.~]/g, '\\$&')}\\): `,
        ),
      );
      expect(message).not.toMatch(/wrong-in/);
    },
  );
});
