import { z } from '@pickup/core/plugin';

export const options = z
  .object({
    /** A libpq connection URI, `postgres://user@host:port/db?sslmode=require`; the fields below override its parts. */
    connectionString: z.string().min(1).optional(),
    /** Default: `$PGHOST`, else libpq's default (the local socket). */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(),
    /** Prefer `passwordFile`, or `~/.pgpass` / `$PGPASSWORD`, over a password in the config. */
    password: z.string().optional(),
    /** A file whose first line is the password. Relative to the config file. */
    passwordFile: z.string().min(1).optional(),
    sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
    /** The database to connect to for listing the others. */
    maintenanceDatabase: z.string().min(1).default('postgres'),
    /** `all` (every database that accepts connections, templates left out) or a list of names. */
    databases: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    /** Databases to leave out (with `all`). */
    exclude: z.array(z.string().min(1)).default([]),
    /** pg_dump's format: `custom` (compressed, selective and parallel restore), `plain` SQL, or `directory`. */
    format: z.enum(['custom', 'plain', 'directory']).default('custom'),
    /**
     * Unset: the format's own (custom and directory compressed by pg_dump, plain not). `none`: uncompressed
     * custom and directory dumps, for a target that stores only what changed (restic).
     */
    compression: z.enum(['gzip', 'none']).optional(),
    /** Parallel jobs for the `directory` format. */
    jobs: z.number().int().positive().optional(),
    /** Dump roles and tablespaces with `pg_dumpall --globals-only`. */
    globals: z.boolean().default(true),
    /**
     * Whether `globals.sql` holds the roles' password hashes. Unset: only when the backup role is a
     * superuser; `true`: always (a non-superuser needs `pg_read_all_data`); `false`: never.
     */
    rolePasswords: z.boolean().optional(),
    /** Extra pg_dump arguments, an escape hatch: `['--no-owner']`. */
    pgDumpArgs: z.array(z.string()).default([]),
    /** Folder holding pg_dump, pg_dumpall, pg_restore and psql. Default: the newest /usr/lib/postgresql/N/bin, else $PATH. */
    binDir: z.string().min(1).optional(),
  })
  .strict()
  .refine((value) => value.jobs === undefined || value.format === 'directory', {
    message: 'jobs works with format: "directory" only',
    path: ['jobs'],
  })
  .refine((value) => value.compression !== 'gzip' || value.format !== 'plain', {
    message: "plain dumps are not compressed; use format: 'custom'",
    path: ['compression'],
  });

export type PostgresOptions = z.output<typeof options>;
