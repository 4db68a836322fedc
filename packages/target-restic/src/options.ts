import { z } from '@pickup/core/plugin';

/** Environment variable names: upper case, digits, underscores. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Names of variables that hold secrets by their look: they belong in `envFiles`, not in the config's text. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|_KEY$/;
/** restic's variables that the target sets itself, from `repository` and `passwordFile`/`passwordCommand`. */
const OWN_NAME = /^RESTIC_(REPOSITORY|PASSWORD)/;

export const options = z
  .object({
    /**
     * The restic repository: a local path (relative to the config file), or `sftp:user@host:/srv/restic`,
     * `rest:https://host:8000/`, `s3:https://s3.example.com/bucket/path`, `b2:bucket:path`,
     * `azure:container:/path`, `gs:bucket:/path`, `rclone:remote:path`.
     */
    repository: z.string().min(1),
    /** A file holding the repository's password (restic reads it whole, trimmed). Relative to the config file. */
    passwordFile: z.string().min(1).optional(),
    /** A command that prints the repository's password (`pass show backup/restic`), run by restic. */
    passwordCommand: z.string().min(1).optional(),
    /** Backend settings that are not secret: `{ AWS_DEFAULT_REGION: 'eu-west-1', B2_ACCOUNT_ID: '...' }`. */
    env: z
      .record(z.string().regex(ENV_NAME, 'must be an environment variable name (A-Z, 0-9, _)'), z.string())
      .default({}),
    /**
     * Backend credentials, each from a file whose first line is the value, relative to the config file:
     * `{ AWS_ACCESS_KEY_ID: 'secrets/s3-id', AWS_SECRET_ACCESS_KEY: 'secrets/s3-secret' }`.
     */
    envFiles: z
      .record(z.string().regex(ENV_NAME, 'must be an environment variable name (A-Z, 0-9, _)'), z.string().min(1))
      .default({}),
    /** The host name recorded in snapshots: each host lists and prunes only its own. Default: this machine's. */
    host: z.string().min(1).optional(),
    /** Create the repository (`restic init`) at the first push if there is none. Off: a missing repository is an error. */
    init: z.boolean().default(false),
    /**
     * Seconds a removal or the reclaiming of space waits for another restic process that holds the
     * repository (another host's backup); restic's stale locks are removed at once, live ones never.
     */
    lockWait: z.number().min(0).default(300),
    /** restic's compression of what it stores: `auto`, `max` or `off`. */
    compression: z.enum(['auto', 'max', 'off']).default('auto'),
    /** Upload limit in KiB/s (restic's --limit-upload). */
    limitUpload: z.number().int().positive().optional(),
    /** ssh settings for an `sftp:` repository (ssh runs in batch mode: no prompt under cron). */
    sftp: z
      .object({
        port: z.number().int().min(1).max(65535).optional(),
        /** The private key to log in with. Relative to the config file. */
        identityFile: z.string().min(1).optional(),
        /** The known_hosts file that holds the server's key. Default: ssh's own (~/.ssh/known_hosts). */
        knownHostsFile: z.string().min(1).optional(),
        /** Refuse a server whose key is unknown or changed. Turning it off trusts whoever answers. */
        strictHostKeyChecking: z.boolean().default(true),
        /** Seconds to wait for the ssh connection. */
        connectTimeout: z.number().int().positive().default(30),
      })
      .strict()
      .default({ strictHostKeyChecking: true, connectTimeout: 30 }),
    /** Extra arguments for every restic command, an escape hatch: `['--cache-dir', '/var/cache/restic']`. */
    resticArgs: z.array(z.string()).default([]),
    /** The restic program. */
    restic: z.string().min(1).default('restic'),
  })
  .strict()
  .superRefine((value, context) => {
    if ((value.passwordFile === undefined) === (value.passwordCommand === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['passwordFile'],
        message: 'give the repository password as passwordFile or passwordCommand (one of the two)',
      });
    }
    for (const name of Object.keys(value.env).filter((key) => SECRET_NAME.test(key) && !OWN_NAME.test(key))) {
      context.addIssue({
        code: 'custom',
        path: ['env', name],
        message: `${name} looks like a secret: put it in a file and name the file in envFiles`,
      });
    }
    for (const field of ['env', 'envFiles'] as const) {
      for (const name of Object.keys(value[field]).filter((key) => OWN_NAME.test(key))) {
        context.addIssue({
          code: 'custom',
          path: [field, name],
          message: `${name} is set from repository and passwordFile or passwordCommand: use those`,
        });
      }
    }
  });

export type ResticOptions = z.output<typeof options>;
