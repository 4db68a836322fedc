import type { InitTemplate } from '@pickup/core/plugin';

const PASSWORD_FILE = 'ftp-password';

/** What `pickup init` writes for an FTP server: the login, its password file, the folder, TLS on. */
export const init: InitTemplate = {
  title: 'FTP',
  asks: ['server'],
  options: ({ host = '', user = '', path = '' }) => [
    { name: 'host', value: host },
    { name: 'user', value: user },
    {
      name: 'passwordFile',
      value: `./${PASSWORD_FILE}`,
      comment: 'the password on the first line; keep the file mode 600',
    },
    { name: 'path', value: path, comment: 'created if missing; from the login folder unless it starts with /' },
    { name: 'secure', value: true, comment: 'TLS (AUTH TLS); false sends everything, the password too, in the clear' },
  ],
  files: ({ host, user }) => [
    { kind: 'secret', name: PASSWORD_FILE, holds: `the password of the FTP user ${user} at ${host}` },
  ],
};
