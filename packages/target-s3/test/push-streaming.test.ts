// needs: s3
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StagedRun } from '@pickup/core';
import { openHarness, stageRun, type Harness } from '@pickup/testkit';
import { testBucket } from './bucket.js';
import target from '../src/index.js';

const MiB = 1024 * 1024;
const { server, bucket, admin, remove } = await testBucket('pickup-stream');

afterAll(remove);

/** The sha256 of an object in the test bucket, as the admin reads it. */
async function sha256InBucket(key: string): Promise<string> {
  const answer = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of answer.Body as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Each file of the run is in the bucket under `prefix` with the bytes the manifest describes. */
async function expectStoredWhole(prefix: string, run: StagedRun): Promise<void> {
  for (const file of run.files) {
    expect(await sha256InBucket(`${prefix}/${run.runId}/${file.path}`), file.path).toBe(file.sha256);
  }
}

/**
 * Pushes `warmUp` then `run` with the built target in a process of its own; the growth of its resident
 * memory during the second push, from its RSS before to its peak (VmHWM, reset in between) in /proc.
 */
async function memoryGrowthOfPush(options: Record<string, unknown>, warmUp: StagedRun, run: StagedRun) {
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const [moduleUrl, options, warmUp, run] = process.argv.slice(1);
    const plugin = (await import(moduleUrl)).default;
    const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
    const push = (staged) => plugin.push({
      options: plugin.options.parse(JSON.parse(options)),
      name: 'memory',
      resolvePath: (path) => path,
      log,
      signal: new AbortController().signal,
      run: JSON.parse(staged),
    });
    const bytes = (field) => Number(new RegExp(field + ':\\\\s+(\\\\d+) kB').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
    await push(warmUp);
    writeFileSync('/proc/self/clear_refs', '5');
    const before = bytes('VmRSS');
    await push(run);
    process.stdout.write(JSON.stringify({ before, peak: bytes('VmHWM') }));
  `;
  const module = new URL('../dist/index.js', import.meta.url).href;
  const args = [JSON.stringify(options), JSON.stringify(warmUp), JSON.stringify(run)];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, module, ...args],
    {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const { before, peak } = JSON.parse(stdout) as { before: number; peak: number };
  return peak - before;
}

/**
 * A TCP proxy in front of the test server that drops the first connection through which more than
 * `after` bytes have gone to the server: a connection lost in the middle of a part.
 */
async function proxyCuttingOnce(
  after: number,
): Promise<{ endpoint: string; cuts: () => number; close(): Promise<void> }> {
  const upstream = new URL(server.endpoint);
  const sockets = new Set<Socket>();
  let cuts = 0;
  const proxy: Server = createServer((client) => {
    const remote = connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (cuts === 0 && sent > after) {
        cuts++;
        client.destroy();
      }
    });
    client.pipe(remote);
    remote.pipe(client);
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    cuts: () => cuts,
    close: () => {
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const socket of sockets) socket.destroy(); // the client keeps its connections open
      return closed;
    },
  };
}

describe('s3 target: every part read from the staged file as it is sent', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await writeFile(join(h.workDir, 'secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
  });
  afterEach(() => h.close());

  const optionsFor = (prefix: string, extra: Record<string, unknown> = {}) => ({
    bucket,
    prefix,
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    accessKeyId: server.accessKeyId,
    secretAccessKeyFile: join(h.workDir, 'secret'),
    ...extra,
  });

  it('a push of 8 parts of 16 MiB, 4 at a time, grows its process by a few MB, not by the parts in flight', async () => {
    const warmUp = await stageRun(join(h.workDir, 'warm'), { 'data/small.bin': randomBytes(1000) });
    const run = await stageRun(join(h.workDir, 'big'), { 'data/big.bin': { random: 128 * MiB } });
    const options = optionsFor(`memory-${randomBytes(3).toString('hex')}`, { partSize: 16 * MiB, queueSize: 4 });
    const growth = await memoryGrowthOfPush(options, warmUp, run);
    // Holding the parts in flight would take 64 MiB at least.
    expect(growth / MiB).toBeLessThan(32);
    await expectStoredWhole(options.prefix, run);
  }, 120_000);

  it('a connection lost in the middle of a part: the part is sent again at once, whole, without a warning', async () => {
    const proxy = await proxyCuttingOnce(2 * MiB);
    try {
      const run = await stageRun(h.workDir, { 'data/big.bin': { random: 20 * MiB } });
      const prefix = `cut-${randomBytes(3).toString('hex')}`;
      const options = { ...optionsFor(prefix, { partSize: 5 * MiB, queueSize: 2 }), endpoint: proxy.endpoint };
      await target.push({ ...h.context(target, 'cut', options), run });
      expect(proxy.cuts()).toBe(1);
      expect(h.lines.filter((line) => / warning: /.test(line))).toEqual([]);
      await expectStoredWhole(prefix, run);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
