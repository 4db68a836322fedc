import { DEFAULT_RETRY_FOR, z } from '@pickup/core/plugin';

export const options = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).default('anonymous'),
    /** Prefer `passwordFile` over a password in the config. */
    password: z.string().optional(),
    /** A file whose first line is the password. Relative to the config file. */
    passwordFile: z.string().min(1).optional(),
    /** The remote folder that holds the backups (created if missing); relative to the login folder unless absolute. */
    path: z.string().min(1).default('.'),
    /** `false`: plain FTP (everything, passwords too, in the clear); `true`: explicit TLS (AUTH TLS); `'implicit'`: FTPS on its own port. */
    secure: z.union([z.boolean(), z.literal('implicit')]).default(false),
    /** CA certificate file the server's certificate must chain to (a self-signed server: its own certificate). */
    ca: z.string().min(1).optional(),
    /** Accept any certificate. Protects against eavesdropping, not against an impostor: an explicit opt-in. */
    allowUntrusted: z.boolean().default(false),
    /** Seconds without an answer before a connection counts as dropped. */
    timeout: z.number().positive().default(30),
    /**
     * Seconds during which a step (a file's upload, a listing, a removal) that failed for a passing reason
     * (a dropped connection, a timeout, a "try again" reply) is tried again, from its first failure; 0: never.
     */
    retryFor: z.number().min(0).default(DEFAULT_RETRY_FOR),
    /** At most this many retries per step, within `retryFor`; unset: as many as `retryFor` allows. */
    retries: z.number().int().min(0).optional(),
  })
  .strict();

export type FtpOptions = z.output<typeof options>;
