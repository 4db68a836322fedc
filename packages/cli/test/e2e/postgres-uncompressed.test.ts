// needs: postgres
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_raw_${suffix}`;
const restoredName = (format: string) => `${db}_${format}_restored`;
/** Text that shows in an uncompressed dump as it is, and would not in a compressed one. */
const marker = `uncompressed-marker-${suffix}`;

function populate(pg: Postgres): void {
  pg.sql('postgres', `CREATE DATABASE ${db}`);
  pg.sql(
    db,
    `CREATE TABLE people (id serial PRIMARY KEY, name text, note text);
     INSERT INTO people (name, note) VALUES ('Zoë Ångström', '${marker}'), ('日本', NULL), ('O''Brien', repeat('x', 5000));
     INSERT INTO people (name) SELECT 'person ' || g FROM generate_series(1, 2000) g;`,
  );
}

const contents = (pg: Postgres, database: string) =>
  pg.sql(
    database,
    "SELECT count(*), md5(string_agg(id || ':' || name || ':' || coalesce(note, '-'), ',' ORDER BY id)) FROM people",
  ) + pg.sql(database, 'SELECT last_value FROM people_id_seq');

describe("postgres source, compression: 'none'", () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    populate(pg);
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of [db, restoredName('custom'), restoredName('directory')])
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await project.remove();
  });

  const config = (extra: Record<string, unknown>, target: string) => ({
    sources: [
      {
        name: 'pg',
        use: 'postgres',
        with: {
          host: pg.host,
          port: pg.port,
          user: pg.user,
          passwordFile: './pg-password',
          databases: [db],
          globals: false,
          ...extra,
        },
      },
    ],
    targets: [{ name: 'disk', use: 'folder', with: { path: `./${target}`, createPath: true } }],
  });
  const backUp = async (extra: Record<string, unknown>, target: string): Promise<string> => {
    await project.writeConfig(config(extra, target));
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path(target));
    return project.path(target, backup!, 'pg');
  };
  const restore = async (to: string) => {
    const restored = await pickup(['restore', '--source', 'pg', '--only', db, '--to', to], { cwd: project.dir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(contents(pg, to)).toBe(contents(pg, db));
  };
  /** What pg_restore says of an archive's compression: 0 (up to PostgreSQL 15) or none (16 on) when uncompressed. */
  const compressionOf = (dump: string) =>
    /^;\s+Compression: (\S+)$/m.exec(execFileSync(join(pg.bin, 'pg_restore'), ['-l', dump], { encoding: 'utf8' }))?.[1];

  it('custom format: an uncompressed archive (rows as text in it) that restores row for row', async () => {
    const staged = await backUp({ compression: 'none' }, 'custom');
    expect(await readdir(staged)).toEqual([`${db}.dump`]);
    expect(compressionOf(join(staged, `${db}.dump`))).toMatch(/^(0|none)$/);
    expect((await readFile(join(staged, `${db}.dump`))).includes(Buffer.from(`Zoë Ångström\t${marker}`))).toBe(true);
    await restore(restoredName('custom'));
  });

  it('custom format without the option stays compressed', async () => {
    const staged = await backUp({}, 'default');
    expect(compressionOf(join(staged, `${db}.dump`))).not.toMatch(/^(0|none)$/);
    expect((await readFile(join(staged, `${db}.dump`))).includes(Buffer.from(marker))).toBe(false);
  });

  it('directory format: data files as plain text, not .gz, that restore row for row', async () => {
    const staged = await backUp({ format: 'directory', compression: 'none' }, 'directory');
    const files = await readdir(join(staged, `${db}.dir`));
    expect(files).toContain('toc.dat');
    expect(files.filter((file) => file.endsWith('.gz'))).toEqual([]);
    const data = await Promise.all(
      files.filter((file) => file !== 'toc.dat').map((file) => readFile(join(staged, `${db}.dir`, file), 'utf8')),
    );
    expect(data.some((text) => text.includes(`Zoë Ångström\t${marker}`))).toBe(true);
    await restore(restoredName('directory'));
  });

  it("compression: 'gzip' with format: 'plain' is a one-line config error naming the field (exit 2)", async () => {
    const file = await project.writeConfig(config({ format: 'plain', compression: 'gzip' }, 'plain'));
    for (const command of [[], ['check']]) {
      const result = await pickup(command, { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `${file}: sources[0].with.compression: plain dumps are not compressed; use format: 'custom'`,
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await completeBackups(project.path('plain'))).toEqual([]);
  });
});
