import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, messageOf, type Logger, type Plugin, type PluginContext } from '@pickup/core';

/**
 * What one conformance test works with: a private folder, a logger that keeps every line (debug
 * included) so the suites can look for leaked secrets, and contexts for plugin calls as the core makes them.
 */
export interface Harness {
  /** A new empty folder of the test's own; removed after the test. */
  workDir: string;
  log: Logger;
  /** Every line logged so far, plain text. */
  lines: string[];
  /** A plugin call's context: options parsed by the plugin's schema, paths relative to `workDir`. */
  context<Options>(plugin: Plugin, name: string, options: unknown, signal?: AbortSignal): PluginContext<Options>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const workDir = await mkdtemp(join(tmpdir(), 'pickup-testkit-'));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = await createLogger({ verbose: true, stdout: sink, stderr: sink });
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(workDir, path));
  return {
    workDir,
    log: logger.log,
    lines,
    context(plugin, name, options, signal = new AbortController().signal) {
      return {
        options: parseOptions(plugin, options) as never,
        name,
        resolvePath,
        log: logger.log.child({ name }),
        signal,
      };
    },
    async close() {
      await logger.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** The options as the core would pass them; a schema that rejects the fixture's options fails the test clearly. */
export function parseOptions(plugin: Plugin, options: unknown): unknown {
  const parsed = plugin.options.safeParse(options);
  if (!parsed.success) throw new Error(`${plugin.name} rejects the options of the fixture: ${messageOf(parsed.error)}`);
  return parsed.data;
}

/** The lines, error messages or descriptions among `texts` that show one of `secrets`. */
export function leakedSecrets(texts: readonly string[], secrets: readonly string[] = []): string[] {
  const real = secrets.filter((secret) => secret.length > 0);
  return texts.filter((text) => real.some((secret) => text.includes(secret)));
}

/** A call's error message, or a failure if it did not fail. */
export async function failureOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return messageOf(error);
  }
  throw new Error('expected it to fail, and it succeeded');
}
