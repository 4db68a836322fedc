import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needsOf, SERVERS, testFiles } from '../scripts/test-needs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const serversModule = join(root, 'test/servers.ts');
/** The helpers of test/servers.ts that read .test-servers/env, and the server each reaches. */
const SERVER_HELPERS: Record<string, string | undefined> = {
  postgres: 'postgres',
  mariadb: 'mariadb',
  ftp: 'ftp',
  ssh: 'ssh',
  s3: 's3',
  testServers: undefined,
};

/**
 * The helpers of test/servers.ts that `file` imports (not as types only), itself or through the test
 * helpers it imports (`s3Server` of packages/cli/test/helpers/s3-bucket.ts calls `s3()`).
 */
function serverHelpersUsedBy(file: string, seen = new Set<string>()): Set<string> {
  const used = new Set<string>();
  if (seen.has(file)) return used;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, typeOnly, names, specifier] of source.matchAll(
    /^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm,
  )) {
    if (typeOnly || !specifier!.startsWith('.')) continue;
    const imported = resolve(dirname(file), specifier!).replace(/\.js$/, '.ts');
    if (imported === serversModule) {
      const values = names!
        .replace(/[{}]/g, '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name && !name.startsWith('type '));
      for (const name of values.map((value) => value.split(/\s+as\s+/)[0]!)) if (name in SERVER_HELPERS) used.add(name);
    } else if (existsSync(imported) && imported.includes('/test/')) {
      for (const name of serverHelpersUsedBy(imported, seen)) used.add(name);
    }
  }
  return used;
}

describe('what each test file needs, on its first line (`// needs: postgres, root`)', () => {
  const files = testFiles(root) as string[];

  it('finds the test files vitest runs', () => {
    expect(files).toContain('packages/core/test/config.test.ts');
    expect(files).toContain('packages/cli/test/e2e/postgres.test.ts');
    expect(files).toContain('examples/pickup-source-command/test/conformance.test.ts');
    expect(files).toContain(relative(root, fileURLToPath(import.meta.url)));
  });

  // A file that reaches a server another way says so by hand (bench.test.ts runs bench/index.mjs, which reads .test-servers/env).
  it('names every server a file reaches through test/servers.ts: test:quick leaves it out', () => {
    const unsaid: string[] = [];
    for (const file of files) {
      const helpers = serverHelpersUsedBy(join(root, file));
      const marked = (needsOf(root, file) as string[]).filter((need) => SERVERS.includes(need));
      const missing = [...helpers]
        .map((helper) => SERVER_HELPERS[helper])
        .filter((server): server is string => server !== undefined && !marked.includes(server));
      if (helpers.has('testServers') && marked.length === 0) missing.push('a server (it calls testServers())');
      if (missing.length > 0)
        unsaid.push(`${file}: uses ${missing.join(', ')} without saying so on its first line (// needs: ...)`);
    }
    expect(unsaid).toEqual([]);
  });

  it('a helper that reaches a server through another helper counts: s3Server of s3-bucket.ts calls s3()', () => {
    expect([...serverHelpersUsedBy(join(root, 'packages/cli/test/e2e/s3-secret-file.test.ts'))]).toEqual(['s3']);
    expect([...serverHelpersUsedBy(join(root, 'packages/core/test/config.test.ts'))]).toEqual([]);
  });
});
