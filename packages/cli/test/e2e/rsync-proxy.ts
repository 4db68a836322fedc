import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ssh } from '../../../../test/servers.js';

/**
 * A TCP proxy in this process between ssh and the shared sshd: connections through it can be cut, or
 * refused for a while, without touching the server.
 */
export class Proxy {
  port = 0;
  /** Bytes sent from ssh to the server so far, all connections together. */
  sent = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstream: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.upstream.port, this.upstream.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.on('data', (chunk: Buffer) => (this.sent += chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Every connection through it dropped mid-way. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** No longer listening (new connections are refused), every connection dropped. */
  async down(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    this.cut();
    await closed;
    this.server = undefined;
  }

  /** Resolves once `bytes` more have gone through (the transfer is under way). */
  async sentMore(bytes: number): Promise<void> {
    const until = this.sent + bytes;
    for (let i = 0; i < 1200 && this.sent < until; i++) await sleep(25);
    if (this.sent < until) throw new Error(`only ${this.sent} bytes went through the proxy`);
  }
}

/** A known_hosts file holding the server's own key for the address ssh connects to through `proxy`. */
export async function knownHostsThrough(proxy: Proxy, server: Ssh, file: string): Promise<void> {
  const [type, key] = readFileSync(join(server.servers, 'sshd/host_key.pub'), 'utf8').trim().split(/\s+/);
  await writeFile(file, `[127.0.0.1]:${proxy.port} ${type} ${key}\n`);
}
