import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { DEFAULTS, PASSWORD_FILES, SSH_FILES, type Answers, type SourceKind } from './answers.js';

/** What the config calls each source: a folder source after its folder, a database source after its kind. */
export interface NamedSource {
  name: string;
  kind: SourceKind;
  /** Folder sources only. */
  path?: string;
}

/** The names the config schema accepts (docs/configuration.md). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const TARGET_NAMES = { folder: 'local', ftp: 'ftp', rsync: 'rsync' } as const;

/** Every source of the answers, each with a valid name no other source has. */
export function nameSources(answers: Answers): NamedSource[] {
  const taken = new Set(['manifest.json']); // the backup's manifest sits beside the sources' folders
  const unique = (wanted: string) => {
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 63 - String(n).length)}-${n}`;
    taken.add(name);
    return name;
  };
  return answers.sources.flatMap((kind): NamedSource[] =>
    kind === 'folder'
      ? answers.sourcePaths.map((path) => ({ name: unique(nameOfFolder(path)), kind, path }))
      : [{ name: unique(kind), kind }],
  );
}

/** `/var/www/` → `www`; letters without their accents, anything else the name rule refuses → `-`. */
export function nameOfFolder(path: string): string {
  const name = basename(path)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  if (NAME.test(name)) return name;
  return basename(path) === '' ? 'root' : 'folder';
}

/** The text of `pickup.config.ts` for these answers, written into `dir`. */
export function renderConfig(answers: Answers, dir: string): string {
  const out: string[] = [
    "import { defineConfig } from '@pickup/cli';",
    '',
    '// Written by `pickup init`. Every field is described in the Pickup docs: docs/configuration.md.',
    '// Relative paths are relative to this file. Check it with: npx --no-install pickup check',
    'export default defineConfig({',
    '  // What to back up. A name is the source\'s folder in each backup, and what',
    '  // `pickup restore --source NAME` and `pickup run --only NAME` take.',
    '  sources: [',
  ];
  // Pickup's own folders inside a backed-up folder would be archived by every run, and its secret files
  // (passwords, the ssh key) would go to the target with it: leave them out.
  const own: Own[] = [
    ...[join(dir, 'logs'), join(dir, 'node_modules'), ...(answers.target === 'folder' ? [answers.targetPath] : [])].map((path) => ({ path, folder: true })),
    ...[...Object.values(PASSWORD_FILES), SSH_FILES.identity].map((name) => ({ path: join(dir, name), folder: false })),
  ];
  for (const source of nameSources(answers)) out.push(...renderSource(source, answers, own));
  out.push(
    '  ],',
    '  // Where each backup is stored.',
    '  targets: [',
    ...renderTarget(answers),
    '  ],',
    "  // staging: '/var/tmp/pickup', // where a run is put together before the push; default: the temp folder, which may be small",
    '',
    '  // Commands to run around each backup (see the Pickup docs: docs/hooks.md), and word of how it',
    '  // went (see the Pickup docs: docs/notifications.md):',
    "  // hooks: { before: 'systemctl stop myapp', after: 'systemctl start myapp', timeout: '30m' },",
    '  // notify: [',
    "  //   { type: 'ping', url: 'https://hc-ping.com/your-uuid' },           // start, success and fail pings",
    "  //   { type: 'webhook', url: 'https://example.com/hook', on: ['failure', 'partial'] },",
    "  //   { type: 'mail', to: 'root@localhost', on: ['failure', 'partial'] }, // through the local sendmail",
    '  // ],',
    '',
    '  // Encrypt every backup before it leaves this machine (see the Pickup docs: docs/encryption.md). Make a',
    '  // key pair on another machine (`npx -y @pickup/cli keygen --out key.txt`, or age-keygen), put its',
    '  // public key here, and keep key.txt there: it is what restores, and must not be on this machine.',
    "  // encryption: { recipients: ['age1...'] },",
    '});',
    '',
  );
  return out.join('\n');
}

/** A path of Pickup's own next to the config: a folder, or a file. */
interface Own {
  path: string;
  folder: boolean;
}

function renderSource(source: NamedSource, answers: Answers, own: Own[]): string[] {
  const head = ['    {', `      name: ${str(source.name)},`];
  const databases = `databases: ${answers.databases === 'all' ? "'all'" : `[${answers.databases.map(str).join(', ')}]`},`;
  switch (source.kind) {
    case 'folder': {
      const excludes = own.map((inner) => excludePattern(source.path!, inner)).filter((pattern) => pattern !== undefined);
      return [
        ...head,
        "      use: 'folder', // @pickup/source-folder: the folder as one .tar.gz",
        '      with: {',
        `        path: ${str(source.path!)},`,
        excludes.length > 0
          ? `        exclude: [${excludes.map(str).join(', ')}], // Pickup's own folders and secret files in it; .gitignore-style`
          : "        // exclude: ['*.log', 'cache/'], // what to leave out, .gitignore-style",
        '      },',
        '    },',
      ];
    }
    case 'postgres':
      return [
        ...head,
        "      use: 'postgres', // @pickup/source-postgres: pg_dump of each database, and the roles",
        '      with: {',
        `        host: ${str(answers.dbHost)}, // or the local socket's folder: '/var/run/postgresql'`,
        `        port: ${answers.dbPorts.postgres ?? DEFAULTS.dbPorts.postgres},`,
        "        user: 'backup', // a role that may read every database (see the Pickup docs: docs/sources/postgres.md)",
        `        passwordFile: ${str(`./${PASSWORD_FILES.postgres}`)}, // its password on the first line; keep the file mode 600`,
        `        ${databases} // 'all': every database but the templates; or a list: ['shop', 'blog']`,
        '      },',
        '    },',
      ];
    case 'mysql':
      return [
        ...head,
        "      use: 'mysql', // @pickup/source-mysql: mariadb-dump (or mysqldump) of each database",
        '      with: {',
        `        host: ${str(answers.dbHost)}, // or a local socket: socket: '/run/mysqld/mysqld.sock'`,
        `        port: ${answers.dbPorts.mysql ?? DEFAULTS.dbPorts.mysql},`,
        "        user: 'backup', // an account that may read every database (see the Pickup docs: docs/sources/mysql.md)",
        `        passwordFile: ${str(`./${PASSWORD_FILES.mysql}`)}, // its password on the first line; keep the file mode 600`,
        `        ${databases} // 'all': every database but the system schemas; or a list: ['shop', 'blog']`,
        '      },',
        '    },',
      ];
  }
}

function renderTarget(answers: Answers): string[] {
  const head = ['    {', `      name: ${str(TARGET_NAMES[answers.target])},`];
  const retention = [
    `      // The ${answers.keep} newest backups; or keepDaily, keepWeekly, keepMonthly... (see the Pickup docs: docs/retention.md)`,
    `      retention: { keepLast: ${answers.keep} },`,
    '    },',
  ];
  switch (answers.target) {
    case 'folder':
      return [
        ...head,
        "      use: 'folder', // @pickup/target-folder: a folder per backup, unchanged files hard-linked",
        '      with: {',
        `        path: ${str(answers.targetPath)},`,
        '        createPath: true, // create it if missing; false for a disk that may not be mounted',
        '      },',
        ...retention,
      ];
    case 'ftp':
      return [
        ...head,
        "      use: 'ftp', // @pickup/target-ftp",
        '      with: {',
        `        host: ${str(answers.targetHost)},`,
        `        user: ${str(answers.targetUser)},`,
        `        passwordFile: ${str(`./${PASSWORD_FILES.ftp}`)}, // the password on the first line; keep the file mode 600`,
        `        path: ${str(answers.targetPath)}, // created if missing; from the login folder unless it starts with /`,
        '        secure: true, // TLS (AUTH TLS); false sends everything, the password too, in the clear',
        '      },',
        ...retention,
      ];
    case 'rsync':
      return [
        ...head,
        "      use: 'rsync', // @pickup/target-rsync: rsync over ssh, unchanged files hard-linked",
        '      with: {',
        `        dest: ${str(`${answers.targetUser}@${answers.targetHost}:${answers.targetPath}`)}, // from the user's home unless the path starts with /`,
        `        identityFile: ${str(`./${SSH_FILES.identity}`)}, // the ssh key to log in with, without a passphrase; mode 600`,
        `        knownHostsFile: ${str(`./${SSH_FILES.knownHosts}`)}, // the server's host key`,
        '        createPath: true, // create the folder at the server if missing',
        '      },',
        ...retention,
      ];
  }
}

/**
 * An anchored `exclude` pattern for `inner` when it lies strictly inside the folder `source`, if its
 * name holds no glob character (the pattern would then mean something else).
 */
function excludePattern(source: string, inner: Own): string | undefined {
  const path = relative(source, inner.path);
  if (path === '' || path.startsWith('..') || isAbsolute(path) || /[*?[\]{}()!+@|\\]/.test(path)) return undefined;
  return `/${path.split(sep).join('/')}${inner.folder ? '/' : ''}`;
}

/** A single-quoted TypeScript string literal. */
function str(text: string): string {
  // JSON's escapes are JavaScript's too; only the quotes differ.
  return `'${JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}
