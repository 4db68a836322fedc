// needs: postgres
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const db = `pickup_passfile_${randomBytes(4).toString('hex')}`;

describe('postgres source: the passfile of a killed run', () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    pg.sql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await project.remove();
  });

  it('is in a private temp folder that the next run removes', async () => {
    // pg_dumpall notes its passfile, then kills Pickup with -9, as the OOM killer would.
    const bin = project.path('killing-bin');
    await mkdir(bin);
    await writeFile(join(bin, 'pg_dump'), `#!/bin/sh\nexec "${join(pg.bin, 'pg_dump')}" "$@"\n`, { mode: 0o755 });
    await writeFile(
      join(bin, 'pg_dumpall'),
      `#!/bin/sh\necho "$PGPASSFILE" >> "${project.path('passfiles.log')}"\nkill -9 $PPID\nexec "${join(pg.bin, 'pg_dumpall')}" "$@"\n`,
      { mode: 0o755 },
    );
    const source = (binDir: string) => ({
      name: 'pg',
      use: 'postgres',
      with: { host: pg.host, port: pg.port, user: pg.user, passwordFile: './pg-password', databases: [db], binDir },
    });
    const target = { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } };
    await project.writeConfig({ sources: [source('./killing-bin')], targets: [target] });
    const killed = await pickup([], { cwd: project.dir });
    expect(killed.code).toBe(null);
    const passfile = (await readFile(project.path('passfiles.log'), 'utf8')).trim();
    expect(basename(dirname(passfile))).toMatch(/^pickup-tmp-\d+-pgpass-/);
    expect(await readFile(passfile, 'utf8')).toContain(pg.password);

    await project.writeConfig({ sources: [source(pg.bin)], targets: [target] });
    const next = await pickup([], { cwd: project.dir });
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(dirname(passfile))).toBe(false);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
  });
});
