// needs: s3
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { s3 } from '../../../test/servers.js';

const server = s3();

/**
 * In a process of its own: the AWS SDK's files loaded once the built plugin is imported, and once it
 * has checked the test server (a listing, refused: an answer all the same).
 */
async function sdkFilesLoaded(): Promise<{ imported: number; called: number }> {
  const script = `
    import { createRequire } from 'node:module';
    const [moduleUrl, options] = process.argv.slice(1);
    const loaded = createRequire(process.cwd() + '/').cache;
    const sdkFiles = () => Object.keys(loaded).filter((file) => file.includes('/@aws-sdk/')).length;
    const plugin = (await import(moduleUrl)).default;
    const imported = sdkFiles();
    const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
    const context = { options: plugin.options.parse(JSON.parse(options)), name: 'lazy', resolvePath: (path) => path, log };
    await plugin.check({ ...context, signal: new AbortController().signal }).catch(() => {});
    process.stdout.write(JSON.stringify({ imported, called: sdkFiles() }));
  `;
  const options = {
    bucket: 'pickup-lazy-sdk-none',
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    // Unknown to the server, which says so at once.
    accessKeyId: 'PICKUPLAZYSDKTEST',
    secretAccessKey: 'not-a-key-of-the-test-server',
    maxAttempts: 1,
  };
  const module = new URL('../dist/index.js', import.meta.url).href;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    script,
    module,
    JSON.stringify(options),
  ]);
  return JSON.parse(stdout) as { imported: number; called: number };
}

it('loading the plugin, as every command that reads the config does, loads no AWS SDK; its first call does', async () => {
  const { imported, called } = await sdkFilesLoaded();
  expect(imported).toBe(0);
  expect(called).toBeGreaterThan(0);
}, 30_000);
