import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tarball } from './packs.js';

export interface ScopeRegistry {
  /** Environment for npm: the scope's packages from here, everything else from npm's own registry. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An npm registry on 127.0.0.1 for one scope (`@pickup`), serving packed tarballs as the published
 * versions: `npm install` then resolves a package.json's `@pickup/core` range against them exactly as
 * it will against npmjs.com once they are released. Its URL has a path of its own, so that npm's cache
 * never answers for it with the tarballs of another run.
 */
export async function serveScope(scope: string, tarballs: Iterable<Tarball>): Promise<ScopeRegistry> {
  const base = `/${randomBytes(6).toString('hex')}`;
  const packages = new Map<string, { tarball: Tarball; bytes: Buffer }>();
  for (const tarball of tarballs) {
    if (tarball.manifest.name.startsWith(`${scope}/`))
      packages.set(tarball.manifest.name, { tarball, bytes: await readFile(tarball.file) });
  }
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? '');
    const origin = `http://${request.headers.host ?? ''}${base}`;
    const [, name, tarballOf] = /^\/[^/]+\/(.+?)(\/-\/tarball)?$/.exec(path) ?? [];
    const found = path.startsWith(`${base}/`) && name ? packages.get(name) : undefined;
    if (!found) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } else if (tarballOf) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(found.bytes);
    } else {
      const { manifest } = found.tarball;
      const dist = {
        tarball: `${origin}/${manifest.name}/-/tarball`,
        integrity: `sha512-${createHash('sha512').update(found.bytes).digest('base64')}`,
        shasum: createHash('sha1').update(found.bytes).digest('hex'),
      };
      const packument = {
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: { [manifest.version]: { ...manifest, dist } },
      };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { [`npm_config_${scope}:registry`]: `http://127.0.0.1:${port}${base}/` },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // npm's kept-alive ones
      }),
  };
}
