import { describe, expect, it } from 'vitest';
import { databaseOf, dumpName, filesToRestore, isGzipped } from '../src/files.js';
import mysqlSource, { options } from '../src/index.js';

const parsed = (value: Record<string, unknown>) => options.parse({ user: 'u', ...value });

describe('compression', () => {
  it("is gzip unless set to 'none'", () => {
    expect(parsed({}).compression).toBe('gzip');
    expect(mysqlSource.compressed!(parsed({}))).toBe(true);
    expect(mysqlSource.compressed!(parsed({ compression: 'none' }))).toBe(false);
    expect(options.safeParse({ user: 'u', compression: 'zstd' }).success).toBe(false);
  });

  it('names a dump <db>.sql.gz or <db>.sql; a database named users never takes users.sql', () => {
    expect(dumpName('shop')).toBe('shop.sql.gz');
    expect(dumpName('shop', 'none')).toBe('shop.sql');
    expect(dumpName('carol smith', 'none')).toBe('carol%20smith.sql');
    expect(dumpName('users', 'none')).not.toBe('users.sql');
    expect(databaseOf(dumpName('users', 'none'))).toBe('users');
    expect(dumpName('users')).toBe('users.sql.gz');
    expect(isGzipped('shop.sql.gz')).toBe(true);
    expect(isGzipped('shop.sql')).toBe(false);
  });

  it('knows the dumps of either naming, and never takes users.sql or a definition for one', () => {
    expect(databaseOf('shop.sql')).toBe('shop');
    expect(databaseOf('shop.sql.gz')).toBe('shop');
    expect(databaseOf('carol%20smith.sql')).toBe('carol smith');
    expect(databaseOf('users.sql')).toBeUndefined();
    expect(databaseOf('properties/shop.sql')).toBeUndefined();
    const uncompressed = ['properties/shop.sql', 'shop.sql', 'users.sql'];
    expect(filesToRestore([], uncompressed)).toEqual(['shop.sql', 'properties/shop.sql']);
    expect(filesToRestore(['users'], uncompressed)).toEqual(['users.sql']);
    expect(() => filesToRestore(['nope'], uncompressed)).toThrow(
      '--only nope: no such database in this backup (it has: shop)',
    );
  });
});
