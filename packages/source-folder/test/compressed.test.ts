import { describe, expect, it } from 'vitest';
import folder, { options } from '../src/index.js';

describe('compressed', () => {
  it("says whether the archive is compressed: gzip and zstd are, 'none' is not", () => {
    expect(folder.compressed!(options.parse({ path: 'data' }))).toBe(true);
    expect(folder.compressed!(options.parse({ path: 'data', compression: 'zstd' }))).toBe(true);
    expect(folder.compressed!(options.parse({ path: 'data', compression: 'none' }))).toBe(false);
  });
});
