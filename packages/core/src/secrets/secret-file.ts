import { readFile, stat } from 'node:fs/promises';
import { errnoCode, messageOf, OptionError } from '../errors.js';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import { registerSecret } from '../log/secret-registry.js';

/** A secret file that cannot be used; the message names the file and what to do. */
export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

export interface SecretFileOptions {
  /** The plugin option that names the file (`passwordFile`): a problem is then an OptionError naming it. */
  option?: string | undefined;
  /** Where the warning about a file others can read goes. */
  log?: Logger | undefined;
  /** What the file holds, for messages: `password`, `passphrase`. */
  what?: string | undefined;
}

/** Files already warned about as readable by others, so that a run says it once. */
const warned = new Set<string>();

/**
 * Reads a secret (a password, a passphrase) from a file, the one way every part of Pickup does: its
 * first line, without the line break and without trailing spaces or a `\r` left by an editor on
 * Windows. An empty secret is refused; a file group or others may read is warned about (once). The
 * secret is blanked in every log line from then on.
 */
export async function readSecretFile(file: string, options: SecretFileOptions = {}): Promise<string> {
  const what = options.what ?? 'secret';
  const fail = (message: string) =>
    options.option ? new OptionError(options.option, message) : new SecretFileError(message);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT')
      throw fail(`${file} does not exist; create it with the ${what} on its first line (chmod 600)`);
    throw fail(`${file} cannot be read (${messageOf(error)})`);
  }
  const secret = firstLine(text);
  if (secret === '') throw fail(`${file} is empty; write the ${what} on its first line`);
  registerSecret(secret);
  const mode = await stat(file).then(
    (stats) => stats.mode,
    () => undefined,
  );
  if (options.log && mode !== undefined && (mode & 0o077) !== 0 && !warned.has(file)) {
    warned.add(file);
    options.log.warn(
      `${file} holds a ${what} and can be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return secret;
}

/** The first line of a secret file's text, without `\r` and trailing spaces or tabs. */
export function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/[\r \t]+$/, '');
}
