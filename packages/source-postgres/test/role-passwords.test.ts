// needs: postgres
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '@pickup/testkit';
import { postgres, type Postgres } from '../../../test/servers.js';
import postgresSource from '../src/index.js';

const reader = `pickup_rpc_${randomBytes(4).toString('hex')}`;
const readerPassword = `reader-${randomBytes(8).toString('hex')}`;
const HELD = { file: 'globals.sql', holds: "the roles' password hashes", leaveOut: 'rolePasswords: false' };

describe("postgres source: whether a backup holds the roles' password hashes (credentials)", () => {
  let pg: Postgres;
  let harness: Harness;

  beforeAll(async () => {
    pg = postgres();
    pg.sql('postgres', `CREATE ROLE ${reader} LOGIN PASSWORD '${readerPassword}'; GRANT pg_read_all_data TO ${reader}`);
    harness = await openHarness();
    await writeFile(join(harness.workDir, 'superuser'), `${pg.password}\n`, { mode: 0o600 });
    await writeFile(join(harness.workDir, 'reader'), `${readerPassword}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    pg.sql('postgres', `DROP ROLE IF EXISTS ${reader}`);
    await harness.close();
  });

  const as = (who: 'superuser' | 'reader', extra: Record<string, unknown> = {}) =>
    postgresSource.credentials!(
      harness.context(postgresSource, 'db', {
        host: pg.host,
        port: pg.port,
        user: who === 'superuser' ? pg.user : reader,
        passwordFile: who,
        ...extra,
      }),
    );

  it.each([
    ['a superuser, rolePasswords unset', 'superuser', {}, HELD],
    ['a superuser, rolePasswords: false', 'superuser', { rolePasswords: false }, undefined],
    ['a superuser, globals: false', 'superuser', { globals: false }, undefined],
    ['a pg_read_all_data role, rolePasswords unset', 'reader', {}, undefined],
    ['a pg_read_all_data role, rolePasswords: true', 'reader', { rolePasswords: true }, HELD],
    ['a server that cannot be reached', 'superuser', { port: 1 }, undefined],
  ] as const)('%s', async (_, who, extra, expected) => {
    expect(await as(who, extra)).toEqual(expected);
  });
});
