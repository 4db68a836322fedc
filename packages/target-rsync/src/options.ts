import { DEFAULT_RETRY_FOR, z } from '@pickup/core/plugin';

export const options = z
  .object({
    /** `user@host:/srv/backups/web1` (over ssh) or a local path (a mounted disk). Local paths are relative to the config file. */
    dest: z.string().min(1),
    /**
     * Create the destination folder if it is missing. Off by default: a missing folder often means a
     * disk that is not mounted, and filling the root file system instead helps no one.
     */
    createPath: z.boolean().default(false),
    /** ssh port. */
    port: z.number().int().min(1).max(65535).optional(),
    /** The private key to log in with. Relative to the config file. */
    identityFile: z.string().min(1).optional(),
    /** The known_hosts file that holds the server's key. Default: ssh's own (~/.ssh/known_hosts). */
    knownHostsFile: z.string().min(1).optional(),
    /** Refuse a server whose key is unknown or changed. Turning it off trusts whoever answers: an explicit opt-out. */
    strictHostKeyChecking: z.boolean().default(true),
    /** Seconds to wait for the ssh connection. */
    connectTimeout: z.number().int().positive().default(30),
    /**
     * Seconds during which a step that lost its connection, or could not make one, is tried again (a
     * server restarting); 0: never. A transfer that ran longer than this gets the same time again.
     */
    retryFor: z.number().min(0).default(DEFAULT_RETRY_FOR),
    /** Extra rsync flags, an escape hatch: `['--bwlimit=10m']`. */
    rsyncArgs: z.array(z.string()).default([]),
    /** The local rsync program. */
    rsync: z.string().min(1).default('rsync'),
  })
  .strict();

export type RsyncOptions = z.output<typeof options>;
