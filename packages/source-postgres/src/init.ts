import type { InitTemplate } from '@pickup/core/plugin';

const PASSWORD_FILE = 'pg-password';

/** What `pickup init` writes for PostgreSQL: the server, a `backup` role with its password file, the databases. */
export const init: InitTemplate = {
  summary: 'pg_dump of each database, and the roles',
  title: 'PostgreSQL',
  asks: ['databases', 'server'],
  defaults: { port: 5432 },
  options: ({ host = '127.0.0.1', port = 5432, databases = 'all' }) => [
    { name: 'host', value: host, comment: "or the local socket's folder: '/var/run/postgresql'" },
    { name: 'port', value: port },
    {
      name: 'user',
      value: 'backup',
      comment: 'a role that may read every database (see the Pickup docs: docs/sources/postgres.md)',
    },
    {
      name: 'passwordFile',
      value: `./${PASSWORD_FILE}`,
      comment: 'its password on the first line; keep the file mode 600',
    },
    {
      name: 'databases',
      value: databases,
      comment: "'all': every database but the templates; or a list: ['shop', 'blog']",
    },
  ],
  files: () => [
    {
      kind: 'secret',
      name: PASSWORD_FILE,
      holds: 'the password of the PostgreSQL role backup (made as in the Pickup docs: docs/sources/postgres.md)',
    },
  ],
};
