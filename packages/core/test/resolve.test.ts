import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginKindOf } from '../src/plugin/discover.js';
import { candidatePackages, findPackage } from '../src/plugin/resolve.js';

describe('plugin package names', () => {
  it('a short name tries @pickup/<kind>-<name>, then pickup-<kind>-<name>', () => {
    expect(candidatePackages('source', 'folder')).toEqual(['@pickup/source-folder', 'pickup-source-folder']);
    expect(candidatePackages('target', 'ftp')).toEqual(['@pickup/target-ftp', 'pickup-target-ftp']);
  });

  it('a full name is used as given', () => {
    expect(candidatePackages('source', 'pickup-source-redis')).toEqual(['pickup-source-redis']);
    expect(candidatePackages('target', '@acme/pickup-target-s3')).toEqual(['@acme/pickup-target-s3']);
  });

  it('a package is a plugin by its name', () => {
    expect(pluginKindOf('@pickup/source-folder')).toBe('source');
    expect(pluginKindOf('pickup-target-ftp')).toBe('target');
    expect(pluginKindOf('@acme/pickup-target-s3')).toBe('target');
    expect(pluginKindOf('@pickup/core')).toBeUndefined();
    expect(pluginKindOf('pickupish-source-x')).toBeUndefined();
  });

  it('is found in node_modules of the folder or any folder above, with the entry ESM imports', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pickup-resolve-'));
    try {
      const pkg = join(root, 'node_modules/pickup-source-x');
      await mkdir(join(pkg, 'lib'), { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({
          name: 'pickup-source-x',
          version: '2.0.0',
          exports: { '.': { require: './cjs.js', import: './lib/esm.js' } },
        }),
      );
      await mkdir(join(root, 'etc/pickup'), { recursive: true });
      const found = findPackage('pickup-source-x', join(root, 'etc/pickup'));
      expect(found).toMatchObject({ name: 'pickup-source-x', version: '2.0.0', entry: join(pkg, 'lib/esm.js') });
      expect(findPackage('pickup-source-y', join(root, 'etc/pickup'))).toBeUndefined();
    } finally {
      await rm(root, { recursive: true });
    }
  });
});
