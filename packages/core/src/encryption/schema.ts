import { z } from 'zod';

/**
 * `encryption` in the config: every file a run pushes is encrypted with age, to public-key recipients
 * (`age1...`, inline or from a file) or with a passphrase read from a file. The key that decrypts is
 * never needed by `pickup run`.
 */
export const encryptionSchema = z
  .object({
    /** age recipients (public keys, `age1...`); several: any one of their identities decrypts. */
    recipients: z.array(z.string().trim().min(1)).default([]),
    /** A file of age X25519 recipients, one a line; blank lines and `#` comments are skipped. */
    recipientsFile: z.string().min(1).optional(),
    /** A file whose first line is the passphrase (scrypt); instead of recipients. */
    passphraseFile: z.string().min(1).optional(),
    /**
     * Accepted only to be warned about: the private key does not belong beside the backups, and
     * `pickup run` never needs it (`pickup restore --identity` does).
     */
    identityFile: z.string().min(1).optional(),
  })
  .strict();

export type EncryptionConfig = z.output<typeof encryptionSchema>;
