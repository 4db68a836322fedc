import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { formatPlain } from './format.js';
import { watchSecrets } from './secret-registry.js';
import { isSecretKey, REDACTED, secretScrubber } from './redact.js';

export type Logger = pino.Logger;

export interface LogFileOptions {
  dir: string;
  /** Roll over at this size: bytes, or `10m`, `500k`, `1g`. */
  maxSize: number | string;
  /** Rolled files kept besides the current one. */
  maxFiles: number;
}

export interface LoggerOptions {
  /** `plain`: readable lines; `json`: one pino JSON object a line, for machines. */
  format?: 'plain' | 'json';
  /** Debug lines on the console too, and stack traces. */
  verbose?: boolean;
  /** Only warnings and errors on the console. */
  quiet?: boolean;
  /** The rotating debug log; none if absent. */
  file?: LogFileOptions;
  /** Values to blank out wherever they appear. */
  secrets?: Iterable<string>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface PickupLogger {
  log: Logger;
  /** Values to blank out from now on (a config's passwords, once it is loaded). */
  addSecrets(secrets: Iterable<string>): void;
  /** Writes what is buffered to the log file and closes it. */
  close(): Promise<void>;
}

/** Information to stdout, warnings and errors to stderr, everything from debug up to the log file. */
export async function createLogger(options: LoggerOptions = {}): Promise<PickupLogger> {
  const secrets = new Set(options.secrets ?? []);
  let scrub = secretScrubber(secrets);
  // A password a plugin reads from its file is blanked like the config's own.
  const unwatch = watchSecrets((secret) => {
    secrets.add(secret);
    scrub = secretScrubber(secrets);
  });
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const plain = (options.format ?? 'plain') === 'plain';
  const stacks = options.verbose ?? false;

  const consoleStream = {
    write(line: string) {
      const level = (JSON.parse(line) as { level: number }).level;
      const text = scrub(plain ? formatPlain(line, { stacks }) : line);
      (level >= 40 ? stderr : stdout).write(text);
    },
  };
  const consoleLevel = options.verbose ? 'debug' : options.quiet ? 'warn' : 'info';
  const streams: pino.StreamEntry[] = [{ level: consoleLevel, stream: consoleStream }];

  let roll: (NodeJS.WritableStream & { end(): void; flushSync?(): void }) | undefined;
  if (options.file) {
    mkdirSync(options.file.dir, { recursive: true, mode: 0o700 });
    const { default: pinoRoll } = await import('pino-roll'); // only with a log file: it is not small
    roll = await pinoRoll({
      file: join(options.file.dir, 'pickup'),
      extension: '.log',
      size: rollSize(options.file.maxSize),
      // Counted over every run's files, not only this run's.
      limit: { count: options.file.maxFiles, removeOtherLogFiles: true },
      symlink: true,
      mkdir: true,
      mode: 0o600, // it may name hosts and users: not for everyone to read
    });
    const file = roll;
    streams.push({ level: 'debug', stream: { write: (line: string) => file.write(scrub(line)) } });
  }

  const log = pino(
    {
      level: 'debug',
      base: undefined,
      redact: { paths: secretPaths(), censor: REDACTED },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
  return {
    log,
    addSecrets(more) {
      for (const secret of more) secrets.add(secret);
      scrub = secretScrubber(secrets);
    },
    close: () =>
      new Promise<void>((resolve) => {
        unwatch();
        if (!roll) return resolve();
        roll.once('close', () => resolve());
        roll.once('error', () => resolve());
        roll.end();
      }),
  };
}

/** Our sizes are bytes (`20`, `'20'`) or `10m`, `500k`, `1g`; pino-roll reads a bare number as megabytes. */
function rollSize(size: number | string): string {
  const text = String(size).toLowerCase();
  return /^\d+$/.test(text) ? `${text}b` : text;
}

/** pino redacts by path; these cover secret-named fields at the top and one level down of a log object. */
function secretPaths(): string[] {
  const keys = ['password', 'passphrase', 'secret', 'token', 'apiKey', 'accessKey', 'privateKey', 'key', 'credentials'];
  return keys.filter(isSecretKey).flatMap((key) => [key, `*.${key}`]);
}
