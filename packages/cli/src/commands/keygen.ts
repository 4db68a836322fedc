import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, generateKeyPair } from '@pickup/core';

/**
 * `pickup keygen --out FILE`: a new X25519 age identity, written as age-keygen writes it (so `age -d -i
 * FILE` reads it), and its recipient printed for `encryption.recipients`.
 */
export async function keygenCommand(args: { out: string }): Promise<number> {
  const file = resolve(args.out);
  const { identity, recipient } = await generateKeyPair();
  const text = `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  try {
    await writeFile(file, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST'
        ? 'exists already; a key is never overwritten: choose another --out'
        : code === 'ENOENT'
          ? 'cannot be written: its folder does not exist'
          : `cannot be written (${(error as Error).message})`;
    process.stderr.write(`pickup keygen: ${file} ${why}\n`);
    return code === 'EEXIST' || code === 'ENOENT' ? ExitCode.usage : ExitCode.fatal;
  }
  process.stdout.write(
    `wrote the private key (identity) to ${file}\n` +
      `public key (recipient): ${recipient}\n\n` +
      `Put the public key in pickup.config.ts:  encryption: { recipients: ['${recipient}'] }\n` +
      `Keep ${file} OFF the machine being backed up (and a copy somewhere safe): without it no backup can be restored.\n` +
      `Restore with: pickup restore --identity ${file} ...\n`,
  );
  return ExitCode.ok;
}
