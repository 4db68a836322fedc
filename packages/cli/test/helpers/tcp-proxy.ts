import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A TCP proxy in the test process in front of a shared test server: connections through it can be cut,
 * or refused for a while (`down`, then `up` on the same port), which is what a restarting server or a
 * dropped connection looks like to a client, without touching the server other tests use. With
 * `bytesPerSecond`, what the client sends is slowed down, so that a transfer is still under way when
 * the proxy goes down.
 */
export class TcpProxy {
  port = 0;
  /** Bytes sent from the client to the server so far, all connections together. */
  sent = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly upstream: { host: string; port: number },
    private readonly bytesPerSecond?: number,
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.upstream.port, this.upstream.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.on('data', (chunk: Buffer) => {
        this.sent += chunk.length;
        if (!this.bytesPerSecond) return;
        client.pause();
        setTimeout(() => client.resume(), (chunk.length / this.bytesPerSecond) * 1000);
      });
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
    const closed = new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
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
