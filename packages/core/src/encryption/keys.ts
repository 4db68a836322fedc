import { readFile, stat } from 'node:fs/promises';
import type { Decrypter, Encrypter } from 'age-encryption';
import { ConfigError, errnoCode, messageOf } from '../errors.js';
import type { EncryptionKeys } from './age-stream.js';
import { ageLibrary } from './age-library.js';
import type { Logger } from '../log/logger.js';
import type { EncryptionConfig } from './schema.js';
import { readSecretFile as readSecret } from '../secrets/secret-file.js';

/** Where a config's field is, for messages: `/etc/pickup/pickup.config.ts: encryption.recipients[1]`. */
type Where = (field: string) => string;

/**
 * Reads the recipients or the passphrase the config names and checks each: a problem is a config
 * error (exit 2) naming the file, the field and what to do.
 */
export async function loadEncryption(
  config: EncryptionConfig,
  resolvePath: (path: string) => string,
  where: Where,
): Promise<EncryptionKeys> {
  const fromFile = config.recipientsFile
    ? await readRecipients(resolvePath(config.recipientsFile), where('recipientsFile'))
    : [];
  const inline = config.recipients.map((recipient, index) => ({ recipient, field: where(`recipients[${index}]`) }));
  const seen = new Set<string>();
  const recipients = [...inline, ...fromFile].filter(({ recipient }) => !seen.has(recipient) && seen.add(recipient));
  if (config.passphraseFile && recipients.length > 0) {
    throw new ConfigError(`${where('passphraseFile')}: give either recipients or a passphrase file, not both`);
  }
  if (config.passphraseFile) {
    return {
      recipients: [],
      passphrase: await readPassphrase(resolvePath(config.passphraseFile), where('passphraseFile')),
    };
  }
  if (recipients.length === 0) {
    throw new ConfigError(
      `${where('recipients')}: list at least one age recipient (age1...), or give recipientsFile or passphraseFile`,
    );
  }
  // Every bad recipient at once, so that one edit fixes them all.
  const checker = new (await ageLibrary()).Encrypter();
  const problems: string[] = [];
  for (const { recipient, field } of recipients) {
    try {
      addRecipient(checker, recipient, field);
    } catch (error) {
      problems.push(messageOf(error));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems);
  return { recipients: recipients.map(({ recipient }) => recipient) };
}

/** Adds a recipient to an Encrypter, which checks it; a problem is a config error naming the field. */
function addRecipient(encrypter: Encrypter, recipient: string, field: string): void {
  if (/^AGE-SECRET-KEY-/i.test(recipient)) {
    throw new ConfigError(
      `${field}: this is a private key (an age identity), not a recipient: put its public key here (age-keygen -y KEYFILE) and keep the private key off this machine`,
    );
  }
  // X25519 only: what age-keygen and pickup keygen make, and what every age tool decrypts (post-quantum
  // and tag recipients need newer tools than many systems have).
  const x25519 = /^age1[02-9ac-hj-np-z]{58}$/.test(recipient);
  try {
    if (x25519) encrypter.addRecipient(recipient);
  } catch (error) {
    throw new ConfigError(
      `${field}: "${shorten(recipient)}" is not an age recipient (${messageOf(error)}); a recipient looks like age1... (pickup keygen or age-keygen -y prints one)`,
    );
  }
  if (!x25519) {
    throw new ConfigError(
      `${field}: "${shorten(recipient)}" is not an age X25519 recipient; a recipient looks like age1... followed by 58 letters and digits (pickup keygen or age-keygen -y prints one)`,
    );
  }
}

/** Recipients from a file, one a line; blank lines and `#` comments are skipped, as age does. */
async function readRecipients(path: string, field: string): Promise<{ recipient: string; field: string }[]> {
  const lines = keyLines(await readSecretFile(path, field, 'recipients file'));
  return lines.map(({ text, line }) => ({ recipient: text, field: `${field} (${path} line ${line})` }));
}

/** The keys of an age recipients or identity file: one a line; blank lines and `#` comments skipped. */
function keyLines(text: string): { text: string; line: number }[] {
  return text
    .split('\n')
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter(({ text: key }) => key !== '' && !key.startsWith('#'));
}

/**
 * What `pickup run` and `pickup check` warn of in a config's encryption: a private key named beside the
 * backups, a passphrase file others can read.
 */
export async function warnAboutKeys(
  plan: { file: string; resolvePath(path: string): string },
  config: EncryptionConfig,
  log: Logger,
): Promise<void> {
  if (config.identityFile) {
    log.warn(
      `${plan.file}: encryption.identityFile: the private key should not live beside the backups, and no backup needs it; keep it off this machine and give it to pickup restore --identity`,
    );
  }
  if (!config.passphraseFile) return;
  const path = plan.resolvePath(config.passphraseFile);
  const mode = await stat(path).then(
    (stats) => stats.mode,
    () => undefined,
  );
  if (mode !== undefined && (mode & 0o077) !== 0) {
    log.warn(
      `${plan.file}: encryption.passphraseFile: ${path} can be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
}

/** The passphrase: the file's first line, read as every secret file is (see readSecretFile). */
export async function readPassphrase(path: string, field: string): Promise<string> {
  try {
    return await readSecret(path, { what: 'passphrase' });
  } catch (error) {
    throw new ConfigError(`${field}: the passphrase file ${messageOf(error)}`);
  }
}

async function readSecretFile(path: string, field: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const why = errnoCode(error) === 'ENOENT' ? 'does not exist' : `cannot be read (${messageOf(error)})`;
    throw new ConfigError(`${field}: the ${what} ${path} ${why}`);
  }
}

/** A Decrypter for `pickup restore`: from an identity file (`--identity`) or a passphrase file (`--passphrase-file`). */
export async function loadDecrypter(key: {
  identityFile?: string | undefined;
  passphraseFile?: string | undefined;
}): Promise<Decrypter> {
  const age = await ageLibrary();
  const decrypter = new age.Decrypter();
  if (key.passphraseFile) decrypter.addPassphrase(await readPassphrase(key.passphraseFile, '--passphrase-file'));
  if (key.identityFile) {
    const text = await readSecretFile(key.identityFile, '--identity', 'identity file');
    const identities = keyLines(text).map((line) => line.text);
    if (identities.length === 0)
      throw new ConfigError(`--identity: ${key.identityFile} holds no age identity (AGE-SECRET-KEY-1...)`);
    for (const identity of identities) {
      try {
        await age.identityToRecipient(identity); // checks it before any file is fetched
        decrypter.addIdentity(identity);
      } catch {
        throw new ConfigError(
          `--identity: ${key.identityFile} holds a line that is not an age identity (AGE-SECRET-KEY-1...); give the file age-keygen or pickup keygen wrote`,
        );
      }
      if (!identity.startsWith('AGE-SECRET-KEY-1')) {
        throw new ConfigError(
          `--identity: ${key.identityFile} holds a key other than an age X25519 identity (AGE-SECRET-KEY-1...); give the file age-keygen or pickup keygen wrote`,
        );
      }
    }
  }
  return decrypter;
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 20)}...` : text;
}

/** A new X25519 key pair: the identity (`AGE-SECRET-KEY-1...`) and its recipient (`age1...`). */
export async function generateKeyPair(): Promise<{ identity: string; recipient: string }> {
  const age = await ageLibrary();
  const identity = await age.generateIdentity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}

/** A config's encryption keys, read and checked; problems name the config file and the field. */
export function loadPlanEncryption(
  plan: { file: string; resolvePath(path: string): string },
  config: EncryptionConfig,
): Promise<EncryptionKeys> {
  return loadEncryption(config, plan.resolvePath, (field) => `${plan.file}: encryption.${field}`);
}
