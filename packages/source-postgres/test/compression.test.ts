import { describe, expect, it } from 'vitest';
import postgresSource, { options } from '../src/index.js';

const parsed = (value: Record<string, unknown>) => options.parse(value);

describe('compression', () => {
  it("is the format's own unless set: custom and directory compressed, plain not; 'none' turns it off", () => {
    expect(postgresSource.compressed!(parsed({}))).toBe(true);
    expect(postgresSource.compressed!(parsed({ format: 'directory' }))).toBe(true);
    expect(postgresSource.compressed!(parsed({ format: 'plain' }))).toBe(false);
    expect(postgresSource.compressed!(parsed({ compression: 'none' }))).toBe(false);
    expect(postgresSource.compressed!(parsed({ format: 'directory', compression: 'none' }))).toBe(false);
    expect(postgresSource.compressed!(parsed({ format: 'plain', compression: 'none' }))).toBe(false);
    expect(postgresSource.compressed!(parsed({ compression: 'gzip' }))).toBe(true);
  });

  it("refuses compression: 'gzip' with format: 'plain', naming the field", () => {
    const result = options.safeParse({ format: 'plain', compression: 'gzip' });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toMatchObject([
      { path: ['compression'], message: "plain dumps are not compressed; use format: 'custom'" },
    ]);
    expect(options.safeParse({ compression: 'zstd' }).success).toBe(false);
  });
});

describe('filesToRestore', () => {
  // A directory dump: one file per table's data and the table of contents, in the order a target lists them.
  const paths = ['globals.sql', 'shop.dir/3343.dat', 'shop.dir/3344.dat.gz', 'shop.dir/toc.dat', 'x.dir.dir/toc.dat'];

  it("takes every file of a directory dump, compressed or not, and nothing of another database's", () => {
    expect(postgresSource.filesToRestore!(['shop'], paths)).toEqual([
      'shop.dir/3343.dat',
      'shop.dir/3344.dat.gz',
      'shop.dir/toc.dat',
    ]);
    expect(postgresSource.filesToRestore!(['x.dir'], ['x.dir.dir/1.dat', 'x.dir.dir/toc.dat'])).toEqual([
      'x.dir.dir/1.dat',
      'x.dir.dir/toc.dat',
    ]);
    expect(() => postgresSource.filesToRestore!([], ['shop.dir/3343.dat', 'shop.dir/toc.dat', 'other.dump'])).toThrow(
      'choose one database to restore with --only NAME (this backup has: shop, other)',
    );
    expect(postgresSource.filesToRestore!([], ['shop.dir/3343.dat', 'shop.dir/toc.dat'])).toEqual([
      'shop.dir/3343.dat',
      'shop.dir/toc.dat',
    ]);
  });
});
