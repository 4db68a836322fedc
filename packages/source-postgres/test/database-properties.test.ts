import { describe, expect, it } from 'vitest';
import { propertiesList, propertiesPath, psqlConnect, renameDatabase } from '../src/database-properties.js';

/** What pg_restore 15.18 prints for `--create --schema-only -L <the database entries>` (comments and blank lines cut). */
const preamble = (encoding: string) =>
  `SET statement_timeout = 0;\nSET client_encoding = '${encoding}';\nSET standard_conforming_strings = on;\n` +
  "SELECT pg_catalog.set_config('search_path', '', false);\nSET client_min_messages = warning;\n";
const shopScript = [
  '\\restrict KEY1',
  preamble('LATIN1'),
  '--\n-- Name: xp Shop; Type: DATABASE; Schema: -; Owner: xp_owner\n--\n',
  `CREATE DATABASE "xp Shop" WITH TEMPLATE = template0 ENCODING = 'LATIN1' LOCALE_PROVIDER = libc LOCALE = 'C';\n`,
  'ALTER DATABASE "xp Shop" OWNER TO xp_owner;\n',
  '\\unrestrict KEY1',
  '\\encoding SQL_ASCII',
  `\\connect -reuse-previous=on "dbname='xp Shop'"`,
  '\\restrict KEY1',
  preamble('LATIN1'),
  `COMMENT ON DATABASE "xp Shop" IS 'the shop''s db';\n`,
  'ALTER DATABASE "xp Shop" CONNECTION LIMIT = 17;',
  `ALTER DATABASE "xp Shop" SET work_mem TO '7MB';`,
  `ALTER ROLE xp_reader IN DATABASE "xp Shop" SET search_path TO 'a', 'b';`,
  'REVOKE CONNECT,TEMPORARY ON DATABASE "xp Shop" FROM PUBLIC;',
  'GRANT CONNECT ON DATABASE "xp Shop" TO xp_reader;',
  '\\unrestrict KEY1',
  '',
].join('\n');

/** Bytes as the scripts are handled: a latin1 string, one character a byte. */
const bytes = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('latin1');

describe('renameDatabase', () => {
  it('puts the new name, quoted, in every statement that names the database, and splits before \\connect', () => {
    const { create, finish } = renameDatabase(shopScript, 'xp Shop', 'Restored "X" 1');
    expect(create).toContain(
      `CREATE DATABASE "Restored ""X"" 1" WITH TEMPLATE = template0 ENCODING = 'LATIN1' LOCALE_PROVIDER = libc LOCALE = 'C';`,
    );
    expect(create).toContain('ALTER DATABASE "Restored ""X"" 1" OWNER TO xp_owner;');
    expect(create).not.toContain('\\connect');
    expect(finish.startsWith(`\\connect -reuse-previous=on "dbname='Restored ""X"" 1'"\n`)).toBe(true);
    for (const statement of [
      `COMMENT ON DATABASE "Restored ""X"" 1" IS 'the shop''s db';`,
      'ALTER DATABASE "Restored ""X"" 1" CONNECTION LIMIT = 17;',
      `ALTER DATABASE "Restored ""X"" 1" SET work_mem TO '7MB';`,
      `ALTER ROLE xp_reader IN DATABASE "Restored ""X"" 1" SET search_path TO 'a', 'b';`,
      'REVOKE CONNECT,TEMPORARY ON DATABASE "Restored ""X"" 1" FROM PUBLIC;',
      'GRANT CONNECT ON DATABASE "Restored ""X"" 1" TO xp_reader;',
    ]) {
      expect(finish).toContain(statement);
    }
    expect((create + finish).split('\n').filter((line) => !line.startsWith('--'))).not.toContainEqual(
      expect.stringContaining('xp Shop'),
    );
    // Nothing else changed: the \restrict pairs, the preamble, the comments.
    const back = (create + finish).replaceAll('"Restored ""X"" 1"', '"xp Shop"');
    expect(back.replace(/\\connect .*/, `\\connect -reuse-previous=on "dbname='xp Shop'"`)).toBe(shopScript);
  });

  it('leaves the old name where it is not the database being named: inside a multi-line comment, in a plain name', () => {
    const script = [
      preamble('UTF8'),
      `CREATE DATABASE "select" WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C.UTF-8';`,
      'ALTER DATABASE "select" OWNER TO postgres;',
      '\\connect "select"',
      `COMMENT ON DATABASE "select" IS 'multi\nALTER DATABASE "select" SET x TO 1;\nline';`,
      '',
    ].join('\n');
    const { create, finish } = renameDatabase(script, 'select', 'shop_copy');
    expect(create).toContain('CREATE DATABASE "shop_copy" WITH');
    expect(finish).toBe(
      `\\connect shop_copy\nCOMMENT ON DATABASE "shop_copy" IS 'multi\nALTER DATABASE "select" SET x TO 1;\nline';\n`,
    );
  });

  it('writes the name in the script encoding for SQL and in UTF-8 for \\connect', () => {
    const script = bytes(
      [
        preamble('LATIN1'),
        `CREATE DATABASE "Café's ""db""\\x" WITH TEMPLATE = template0 ENCODING = 'LATIN1' LOCALE_PROVIDER = libc LOCALE = 'C';`,
        `\\connect -reuse-previous=on "dbname='Café\\'s ""db""\\\\x'"`,
        `COMMENT ON DATABASE "Café's ""db""\\x" IS 'é';`,
        '',
      ].join('\n'),
    );
    const { create, finish } = renameDatabase(script, `Café's "db"\\x`, 'Crème');
    expect(create).toContain(`CREATE DATABASE ${bytes('"Crème"', 'latin1')} WITH`);
    expect(finish).toContain(`\\connect -reuse-previous=on "dbname='${bytes('Crème')}'"`);
    expect(finish).toContain(`COMMENT ON DATABASE ${bytes('"Crème"', 'latin1')} IS '${bytes('é')}';`);
    expect(() => renameDatabase(script, `Café's "db"\\x`, '日本')).toThrow(
      /cannot be written in the dump's encoding LATIN1/,
    );
  });

  it('refuses what it does not know rather than run it against the original database', () => {
    const base = [
      preamble('UTF8'),
      "CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8';",
      '\\connect shop',
    ];
    expect(renameDatabase([...base, ''].join('\n'), 'shop', 'new').finish).toBe('\\connect new\n');
    expect(() => renameDatabase([...base, 'ALTER DATABASE shop2 SET x TO 1;'].join('\n'), 'shop', 'new')).toThrow(
      /unexpected statement .*shop2/,
    );
    expect(() => renameDatabase([...base, 'GRANT CONNECT ON DATABASE other TO x;'].join('\n'), 'shop', 'new')).toThrow(
      /unexpected statement/,
    );
    expect(() => renameDatabase([...base, 'DROP DATABASE shop;'].join('\n'), 'shop', 'new')).toThrow(
      /unexpected statement/,
    );
    expect(() => renameDatabase([...base, '\\! rm -rf /'].join('\n'), 'shop', 'new')).toThrow(
      /unexpected psql command/,
    );
    expect(() => renameDatabase([preamble('UTF8'), '\\connect shop', ''].join('\n'), 'shop', 'new')).toThrow(
      /no CREATE DATABASE shop/,
    );
    expect(() => renameDatabase([...base, ''].join('\n'), 'shop', 'a\nb')).toThrow(/line break/);
  });
});

describe('psqlConnect', () => {
  it('writes \\connect as pg_restore does', () => {
    expect(psqlConnect('shop')).toBe('\\connect shop');
    expect(psqlConnect('Shop.2')).toBe('\\connect "Shop.2"');
    expect(psqlConnect("o'k \\ x")).toBe(`\\connect -reuse-previous=on "dbname='o\\'k \\\\ x'"`);
  });
});

describe('propertiesList', () => {
  it("keeps a TOC's database entries only, and needs the DATABASE one", () => {
    const toc = [
      ';     dbname: xp Shop',
      '3339; 1262 16450 DATABASE - xp Shop xp_owner',
      '3340; 0 0 COMMENT - DATABASE "xp Shop" xp_owner',
      '3341; 0 0 ACL - DATABASE "xp Shop" xp_owner',
      '3342; 0 0 DATABASE PROPERTIES - xp Shop xp_owner',
      '5; 2615 2200 SCHEMA - public pg_database_owner',
      '3343; 0 0 COMMENT - SCHEMA public pg_database_owner',
      '215; 1259 16460 TABLE public DATABASE xp_owner',
      '',
    ].join('\n');
    expect(
      propertiesList(toc)
        ?.split('\n')
        .map((line) => line.split(';')[0]),
    ).toEqual(['3339', '3340', '3341', '3342', '']);
    expect(propertiesList(toc.replace('3339; 1262 16450 DATABASE - xp Shop xp_owner\n', ''))).toBeUndefined();
  });

  it('puts a plain dump sidecar where no dump can be', () => {
    expect(propertiesPath('my db/x')).toBe('properties/my%20db%2Fx.dump');
  });
});
