import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { Client, FTPError } from 'basic-ftp';
import {
  messageOf,
  OptionError,
  readSecretFile,
  RetriesExhaustedError,
  withRetries,
  type Logger,
} from '@pickup/core/plugin';
import type { FtpOptions } from './options.js';

const TLS_TRUST_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** FTP replies that say "try again": service closing, data connection failed or aborted, busy. */
const TRANSIENT_REPLIES = new Set([421, 425, 426, 450, 451]);

export interface FtpSettings {
  options: FtpOptions;
  password?: string | undefined;
  ca?: string | undefined;
}

export async function settingsOf(
  options: FtpOptions,
  resolvePath: (path: string) => string,
  log: Logger,
): Promise<FtpSettings> {
  const readCa = async (file: string) =>
    readFile(resolvePath(file), 'utf8').catch((error: unknown) => {
      throw new OptionError('ca', `${resolvePath(file)} cannot be read: ${messageOf(error)}`);
    });
  const readPassword = (file: string) =>
    readSecretFile(resolvePath(file), { option: 'passwordFile', log, what: 'password' });
  return {
    options,
    password: options.passwordFile ? await readPassword(options.passwordFile) : options.password,
    ca: options.ca ? await readCa(options.ca) : undefined,
  };
}

/** `ftp://backup@host:21` (never the password). */
export function describeServer(options: FtpOptions): string {
  const scheme = options.secure === 'implicit' ? 'ftps' : 'ftp';
  return `${scheme}://${options.user}@${options.host}:${options.port ?? (options.secure === 'implicit' ? 990 : 21)}${options.secure === true ? ' (TLS)' : ''}`;
}

/** How `attempt` retries a step: `retryFor` seconds (the option's by default); `retryable` says whether it still may. */
export interface AttemptOptions {
  retryFor?: number;
  retryable?: () => boolean;
}

/**
 * One FTP connection, opened on first use and opened again after a drop. `attempt` runs a step with
 * retries: a dropped connection, a timeout or a "try again" reply reconnects and runs it again with
 * backoff, for `retryFor` seconds from its first failure (at most `retries` times, if set); anything
 * else (a wrong password, a refused permission, an untrusted certificate) fails at once.
 */
export class FtpSession {
  private client: Client | undefined;
  /** The remote folder of the backups, absolute. */
  root = '';
  /** An interruption ends the transfer under way, not only the next one. */
  private readonly onAbort = () => this.close();

  constructor(
    private readonly settings: FtpSettings,
    private readonly log: Logger,
    private readonly signal?: AbortSignal,
  ) {}

  async attempt<T>(
    what: string,
    step: (client: Client) => Promise<T>,
    { retryFor, retryable }: AttemptOptions = {},
  ): Promise<T> {
    const { options } = this.settings;
    const started = Date.now();
    let attempts = 0;
    try {
      return await withRetries(
        what,
        async (attempt) => {
          this.signal?.throwIfAborted();
          attempts = attempt;
          return step(await this.connected());
        },
        {
          retryFor: retryFor ?? options.retryFor,
          transient: (error) =>
            isTransient(error) &&
            (retryable?.() ?? true) &&
            (options.retries === undefined || attempts <= options.retries),
          describe: describeError,
          log: this.log,
          signal: this.signal,
          beforeRetry: () => this.close(),
        },
      );
    } catch (error) {
      if (this.signal?.aborted) throw this.signal.reason;
      const last = error instanceof RetriesExhaustedError ? error.last : error;
      const tried =
        attempts > 1 ? ` (tried ${attempts} times over ${Math.round((Date.now() - started) / 1000)} s)` : '';
      throw new Error(`${what} at ${describeServer(options)}: ${describeError(last)}${tried}`);
    }
  }

  /** A session of its own to the same server that no interruption ends: for the cleanup after a failed push. */
  detached(): FtpSession {
    return new FtpSession(this.settings, this.log);
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private async connected(): Promise<Client> {
    if (this.client && !this.client.closed) return this.client;
    const { options, password, ca } = this.settings;
    const client = new Client(options.timeout * 1000);
    try {
      await client.access({
        host: options.host,
        port: options.port,
        user: options.user,
        password,
        secure: options.secure,
        // A certificate is checked against the host name; for an IP address Node checks the IP itself.
        secureOptions: {
          ca,
          rejectUnauthorized: !options.allowUntrusted,
          ...(isIP(options.host) ? {} : { servername: options.host }),
        },
      });
      this.root = posix.resolve(await client.pwd(), options.path);
    } catch (error) {
      client.close();
      throw error;
    }
    this.client = client;
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    return client;
  }
}

/** A failure trying again may get past: a connection dropped or refused, a timeout, a "try again" reply. */
function isTransient(error: unknown): boolean {
  if (error instanceof FTPError) return TRANSIENT_REPLIES.has(error.code);
  const { code, path } = error as { code?: string; path?: string };
  if (code && TLS_TRUST_ERRORS.has(code)) return false;
  // A local file that cannot be read (it has a `path`) is no network trouble.
  if (path !== undefined) return false;
  return !(error instanceof OptionError) && (error as { name?: string }).name !== 'SecretFileError';
}

function describeError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code && TLS_TRUST_ERRORS.has(code)) {
    return `the server's TLS certificate is not trusted (${messageOf(error)}); set ca to its CA file, or allowUntrusted: true to accept any`;
  }
  if (error instanceof FTPError) return `${error.code} ${error.message.replace(/^\d{3}\s*/, '')}`;
  return messageOf(error).replace(/\s*\n\s*/g, ' ');
}

export function isMissing(error: unknown): boolean {
  return error instanceof FTPError && error.code === 550;
}
