import { describe, expect, it } from 'vitest';
import folderSplit, { options } from '../src/index.js';

describe('compressed', () => {
  it("says whether the archives are compressed: gzip and zstd are, 'none' is not", () => {
    expect(folderSplit.compressed!(options.parse({ path: 'home' }))).toBe(true);
    expect(folderSplit.compressed!(options.parse({ path: 'home', compression: 'zstd' }))).toBe(true);
    expect(folderSplit.compressed!(options.parse({ path: 'home', compression: 'none' }))).toBe(false);
  });
});

describe('filesToRestore', () => {
  it('finds each folder by its archive, whichever the compression, a name ending in .tar.gz included', () => {
    const paths = ['folders/alice.tar', 'folders/carol%20smith.tar', 'folders/x.tar.gz.tar', 'top-level-files.tar'];
    expect(folderSplit.filesToRestore!(['carol smith'], paths)).toEqual(['folders/carol%20smith.tar']);
    expect(folderSplit.filesToRestore!(['x.tar.gz', 'alice'], paths)).toEqual([
      'folders/x.tar.gz.tar',
      'folders/alice.tar',
    ]);
    expect(folderSplit.filesToRestore!(['bob'], ['folders/bob.tar.zst'])).toEqual(['folders/bob.tar.zst']);
    expect(() => folderSplit.filesToRestore!(['dave'], paths)).toThrow(
      '--only dave: no such folder in this backup (it has: alice, carol smith, x.tar.gz)',
    );
  });
});
