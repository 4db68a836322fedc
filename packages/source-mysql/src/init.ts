import type { InitTemplate } from '@pickup/core/plugin';

const PASSWORD_FILE = 'mysql-password';

/** What `pickup init` writes for MariaDB/MySQL: the server, a `backup` account with its password file, the databases. */
export const init: InitTemplate = {
  summary: 'mariadb-dump (or mysqldump) of each database',
  title: 'MySQL',
  asks: ['databases', 'server'],
  defaults: { port: 3306 },
  options: ({ host = '127.0.0.1', port = 3306, databases = 'all' }) => [
    { name: 'host', value: host, comment: "or a local socket: socket: '/run/mysqld/mysqld.sock'" },
    { name: 'port', value: port },
    {
      name: 'user',
      value: 'backup',
      comment: 'an account that may read every database (see the Pickup docs: docs/sources/mysql.md)',
    },
    {
      name: 'passwordFile',
      value: `./${PASSWORD_FILE}`,
      comment: 'its password on the first line; keep the file mode 600',
    },
    {
      name: 'databases',
      value: databases,
      comment: "'all': every database but the system schemas; or a list: ['shop', 'blog']",
    },
  ],
  files: () => [
    {
      kind: 'secret',
      name: PASSWORD_FILE,
      holds: 'the password of the MySQL account backup (made as in the Pickup docs: docs/sources/mysql.md)',
    },
  ],
};
