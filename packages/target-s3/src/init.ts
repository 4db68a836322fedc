import type { InitTemplate } from '@pickup/core/plugin';

const SECRET_FILE = 's3-secret';

/** What `pickup init` writes for a bucket: placeholders to edit, and the secret key in a file beside the config. */
export const init: InitTemplate = {
  summary: "each backup under this machine's prefix in a bucket",
  options: () => [
    {
      name: 'bucket',
      value: 'example-backups',
      comment: 'a placeholder: the bucket, which must exist (Pickup never creates it)',
    },
    { name: 'region', value: 'us-east-1', comment: "on AWS the bucket's region; elsewhere what the service expects" },
    {
      name: 'endpoint',
      value: 'https://s3.eu-central-003.backblazeb2.com',
      comment: 'another service than AWS (see the Pickup docs: docs/targets/s3.md)',
      example: true,
    },
    { name: 'accessKeyId', value: 'AKIA...', comment: 'a placeholder: the access key id' },
    {
      name: 'secretAccessKeyFile',
      value: `./${SECRET_FILE}`,
      comment: 'its secret access key on the first line; keep the file mode 600',
    },
  ],
  files: () => [
    { kind: 'secret', name: SECRET_FILE, holds: 'the secret access key of the accessKeyId in pickup.config.ts' },
  ],
};
