import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ssh } from '../../../../test/servers.js';

/**
 * The config entry of an rsync target `nas` storing into `folder` (below the ssh user's home) at the test
 * sshd, logging in with its key and checking its host key; `extra` options over these.
 */
export function rsyncTarget(server: Ssh, folder: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'nas',
    use: 'rsync',
    with: {
      dest: `${server.user}@${server.host}:${folder}`,
      port: server.port,
      identityFile: server.key,
      knownHostsFile: server.knownHosts,
      createPath: true,
      ...extra,
    },
  };
}

/** A known_hosts file holding the test sshd's key for 127.0.0.1 at `port` (a proxy's, in front of it). */
export async function knownHostsAt(server: Ssh, port: number, file: string): Promise<void> {
  const [type, key] = readFileSync(join(server.servers, 'sshd/host_key.pub'), 'utf8').trim().split(/\s+/);
  await writeFile(file, `[127.0.0.1]:${port} ${type} ${key}\n`);
}
