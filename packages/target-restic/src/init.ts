import type { InitTemplate } from '@pickup/core/plugin';

const PASSWORD_FILE = 'restic-password';

/** What `pickup init` writes for restic: a repository in a folder here, made at the first push, its password beside the config. */
export const init: InitTemplate = {
  summary: "snapshots in a restic repository, each chunk stored once; give the sources compression: 'none'",
  asks: ['folder'],
  options: ({ path = '/var/backups/pickup' }) => [
    {
      name: 'repository',
      value: path,
      comment:
        "or 'sftp:user@host:/srv/restic', 's3:https://host/bucket'... (see the Pickup docs: docs/targets/restic.md)",
    },
    {
      name: 'passwordFile',
      value: `./${PASSWORD_FILE}`,
      comment: "the repository's password; keep the file mode 600, and a copy elsewhere",
    },
    { name: 'init', value: true, comment: 'create the repository at the first push if there is none' },
  ],
  files: () => [
    {
      kind: 'secret',
      name: PASSWORD_FILE,
      holds: "the restic repository's password (without it no backup can be read: keep a copy elsewhere)",
    },
  ],
};
