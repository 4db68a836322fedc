// The process of a target call the target suite runs apart (see child-call.ts): it loads the plugin from
// its built module, makes one push or removal as the core would, and reports its log lines and how it
// ended. The suite pauses and kills it midway, as a kill -9 or a power cut would.
import { isAbsolute, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, messageOf, type Target } from '@pickup/core';
import type { ChildJob, ChildReport } from './child-call.js';
import { parseOptions } from './harness.js';

const report = (message: ChildReport) => new Promise<void>((done) => process.send!(message, () => done()));

/** Loaded at once, before the job comes: the suite starts the process ahead, while it stages and pushes. */
const module = process.argv[2]!;
const ready = (async () => {
  const plugin = ((await import(module)) as { default: Target<unknown> }).default;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        process.send!({ type: 'log', line } satisfies ChildReport);
      callback();
    },
  });
  return { plugin, logger: await createLogger({ verbose: true, stdout: sink, stderr: sink }) };
})();

async function run(job: ChildJob): Promise<void> {
  const { plugin, logger } = await ready;
  const context = {
    options: parseOptions(plugin, job.options),
    name: job.name,
    resolvePath: (path: string) => (isAbsolute(path) ? path : resolve(job.workDir, path)),
    log: logger.log.child({ name: job.name }),
    signal: new AbortController().signal,
  };
  await report({ type: 'started' });
  try {
    if (job.call === 'push') await plugin.push({ ...context, run: job.run! });
    else await plugin.remove({ ...context, id: job.id! });
  } catch (error) {
    await logger.close();
    await report({ type: 'failed', message: messageOf(error) });
    return;
  }
  await logger.close();
  await report({ type: 'done' });
}

ready.catch(() => {}); // told when the job comes
process.once('message', (job: ChildJob) => {
  run(job).then(
    // A plugin may leave sockets open (a client's keep-alive): the call is over, the process too.
    () => process.exit(0),
    async (error: unknown) => {
      await report({ type: 'failed', message: messageOf(error) }).catch(() => {});
      process.exit(1);
    },
  );
});
