import type { InitTemplate } from '@pickup/core/plugin';

const IDENTITY_FILE = 'id_ed25519';
const KNOWN_HOSTS_FILE = 'known_hosts';

/** What `pickup init` writes for rsync over ssh: the destination, an ssh key and the server's host key beside the config. */
export const init: InitTemplate = {
  summary: 'rsync over ssh, unchanged files hard-linked',
  title: 'ssh',
  asks: ['server'],
  options: ({ host = '', user = '', path = '' }) => [
    { name: 'dest', value: `${user}@${host}:${path}`, comment: "from the user's home unless the path starts with /" },
    {
      name: 'identityFile',
      value: `./${IDENTITY_FILE}`,
      comment: 'the ssh key to log in with, without a passphrase; mode 600',
    },
    { name: 'knownHostsFile', value: `./${KNOWN_HOSTS_FILE}`, comment: "the server's host key" },
    { name: 'createPath', value: true, comment: 'create the folder at the server if missing' },
  ],
  files: ({ host = '', user = '' }) => [
    {
      kind: 'ssh-key',
      name: IDENTITY_FILE,
      authorizeAt: `~${user}/.ssh/authorized_keys at ${host} (see the Pickup docs: docs/targets/rsync.md)`,
    },
    { kind: 'known-hosts', name: KNOWN_HOSTS_FILE, host },
  ],
};
