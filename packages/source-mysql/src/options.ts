import { z } from '@pickup/core/plugin';

export const options = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(3306),
    /** A Unix socket instead of host and port. */
    socket: z.string().min(1).optional(),
    user: z.string().min(1),
    /** Prefer `passwordFile` over a password in the config. */
    password: z.string().optional(),
    /** A file whose first line is the password. Relative to the config file. */
    passwordFile: z.string().min(1).optional(),
    /** TLS: `true` to require it with the system's CAs, or the details. */
    tls: z
      .union([
        z.boolean(),
        z
          .object({
            /** CA file the server's certificate must chain to. */
            ca: z.string().min(1).optional(),
            /** Accept any certificate (testing only). */
            insecure: z.boolean().default(false),
          })
          .strict(),
      ])
      .default(false),
    /** `all` (every database but the system schemas) or a list of names. */
    databases: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    exclude: z.array(z.string().min(1)).default([]),
    /** Also save every account with its grants (SHOW CREATE USER and SHOW GRANTS) as users.sql. */
    users: z.boolean().default(false),
    /**
     * With `users`: keep each account's password hash and authentication string. `false` leaves them out:
     * accounts that could log in only with a password come back locked, without one.
     */
    userPasswords: z.boolean().default(true),
    /** Extra flags for the dump tool, an escape hatch. */
    dumpArgs: z.array(z.string()).default([]),
    /** The dump tool; default: mariadb-dump, else mysqldump, from $PATH. */
    dumpTool: z.string().min(1).optional(),
    /** The client used by restore; default: mariadb, else mysql. */
    client: z.string().min(1).optional(),
    /** `gzip`, or `none`: `<db>.sql` as the dump tool wrote it, for a target that stores only what changed (restic). */
    compression: z.enum(['gzip', 'none']).default('gzip'),
    /** With `compression: 'gzip'`: 1 is fastest, 9 smallest. */
    gzipLevel: z.number().int().min(1).max(9).default(6),
  })
  .strict();

export type MysqlOptions = z.output<typeof options>;

/** Schemas that are the server's own: never dumped as data. */
export const SYSTEM_SCHEMAS = ['information_schema', 'performance_schema', 'sys', 'mysql'];
