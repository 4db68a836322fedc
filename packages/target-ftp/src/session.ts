import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, FTPError } from 'basic-ftp';
import { messageOf, OptionError, type Logger } from '@pickup/core';
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

export async function settingsOf(options: FtpOptions, resolvePath: (path: string) => string): Promise<FtpSettings> {
  const read = async (option: 'passwordFile' | 'ca', file: string) =>
    readFile(resolvePath(file), 'utf8').catch((error: unknown) => {
      throw new OptionError(option, `${resolvePath(file)} cannot be read: ${messageOf(error)}`);
    });
  return {
    options,
    password: options.passwordFile ? (await read('passwordFile', options.passwordFile)).split('\n')[0] : options.password,
    ca: options.ca ? await read('ca', options.ca) : undefined,
  };
}

/** `ftp://backup@host:21` (never the password). */
export function describeServer(options: FtpOptions): string {
  const scheme = options.secure === 'implicit' ? 'ftps' : 'ftp';
  return `${scheme}://${options.user}@${options.host}:${options.port ?? (options.secure === 'implicit' ? 990 : 21)}${options.secure === true ? ' (TLS)' : ''}`;
}

/**
 * One FTP connection, opened on first use and opened again after a drop. `attempt` runs a step with
 * retries: a dropped connection, a timeout or a "try again" reply reconnects and retries it with
 * backoff; anything else (a wrong password, a refused permission, an untrusted certificate) fails at once.
 */
export class FtpSession {
  private client: Client | undefined;
  /** The remote folder of the backups, absolute. */
  root = '';

  constructor(
    private readonly settings: FtpSettings,
    private readonly log: Logger,
    private readonly signal?: AbortSignal,
  ) {}

  async attempt<T>(what: string, step: (client: Client) => Promise<T>): Promise<T> {
    const { retries } = this.settings.options;
    for (let attempt = 0; ; attempt++) {
      this.signal?.throwIfAborted();
      try {
        return await step(await this.connected());
      } catch (error) {
        const transient = isTransient(error);
        if (!transient || attempt >= retries) {
          const tries = transient ? ` (after ${attempt + 1} attempts)` : '';
          throw new Error(`${what} at ${describeServer(this.settings.options)}: ${describeError(error)}${tries}`);
        }
        const delay = 500 * 2 ** attempt;
        this.log.warn(`${what}: ${describeError(error)}; reconnecting and retrying in ${delay / 1000}s (${attempt + 1} of ${retries})`);
        this.close();
        await sleep(delay, undefined, this.signal ? { signal: this.signal } : {});
      }
    }
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
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
        secureOptions: { ca, rejectUnauthorized: !options.allowUntrusted, ...(isIP(options.host) ? {} : { servername: options.host }) },
      });
      this.root = posix.resolve(await client.pwd(), options.path);
    } catch (error) {
      client.close();
      throw error;
    }
    this.client = client;
    return client;
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof FTPError) return TRANSIENT_REPLIES.has(error.code);
  const code = (error as { code?: string }).code;
  if (code && TLS_TRUST_ERRORS.has(code)) return false;
  return !(error instanceof OptionError);
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
