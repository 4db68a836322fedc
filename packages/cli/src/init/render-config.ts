import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { ENTRY_NAME, type InitAnswers, type InitFile, type InitValue } from '@pickup/core';
import { templateAnswers, type Answers } from './answers.js';
import { asks, shortName, type ChosenPlugin } from './plugins.js';

/** A source or the target as the config writes it: its name, its plugin and what its template is given. */
export interface Entry {
  name: string;
  plugin: ChosenPlugin;
  answers: InitAnswers;
}

/** Every source of the answers (one per folder of a source that asks for folders), each with a name no other has. */
export function sourceEntries(answers: Answers): Entry[] {
  const taken = new Set(['manifest.json']); // the backup's manifest sits beside the sources' folders
  const unique = (wanted: string) => {
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 63 - String(n).length)}-${n}`;
    taken.add(name);
    return name;
  };
  return answers.sources.flatMap((plugin): Entry[] =>
    asks(plugin, 'folders')
      ? answers.sourcePaths.map((path) => ({
          name: unique(nameOfFolder(path)),
          plugin,
          answers: templateAnswers(answers, plugin, path),
        }))
      : [{ name: unique(entryName(plugin)), plugin, answers: templateAnswers(answers, plugin) }],
  );
}

export function targetEntry(answers: Answers): Entry {
  return { name: entryName(answers.target), plugin: answers.target, answers: templateAnswers(answers, answers.target) };
}

/** The files an entry's template names that the user must make. */
export function filesOf(entry: Entry): readonly InitFile[] {
  return entry.plugin.template?.files?.(entry.answers) ?? [];
}

/** A plugin's entry name: its template's, else its short name (made valid). */
function entryName(plugin: ChosenPlugin): string {
  const wanted = plugin.template?.name ?? shortName(plugin.kind, plugin.use.replace(/^@[^/]+\/(?=pickup-)/, ''));
  return ENTRY_NAME.test(wanted) ? wanted : validName(wanted, plugin.kind);
}

/** `/var/www/` → `www`; letters without their accents, anything else the name rule refuses → `-`. */
export function nameOfFolder(path: string): string {
  return basename(path) === '' ? 'root' : validName(basename(path), 'folder');
}

function validName(text: string, fallback: string): string {
  const name = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  return ENTRY_NAME.test(name) ? name : fallback;
}

/** The text of `pickup.config.ts` for these answers, written into `dir`. */
export function renderConfig(answers: Answers, dir: string): string {
  const sources = sourceEntries(answers);
  const target = targetEntry(answers);
  const out: string[] = [
    "import { defineConfig } from '@pickup/cli';",
    '',
    '// Written by `pickup init`. Every field is described in the Pickup docs: docs/configuration.md.',
    '// Relative paths are relative to this file. Check it with: npx --no-install pickup check',
    'export default defineConfig({',
    "  // What to back up. A name is the source's folder in each backup, and what",
    '  // `pickup restore --source NAME` and `pickup run --only NAME` take.',
    '  sources: [',
  ];
  // Pickup's own folders inside a backed-up folder would be archived by every run, and the secret files
  // the plugins name (passwords, an ssh key) would go to the target with it: they are left out.
  const secrets = [...sources, target].flatMap(filesOf).filter((file) => file.kind !== 'known-hosts');
  const ownFolders = [
    join(dir, 'logs'),
    join(dir, 'node_modules'),
    ...(asks(answers.target, 'folder') ? [answers.targetPath] : []),
  ];
  const own: Own[] = [
    ...ownFolders.map((path) => ({ path, folder: true })),
    ...[...new Set(secrets.map((file) => file.name))].map((name) => ({ path: join(dir, name), folder: false })),
  ];
  for (const source of sources) {
    if (source.answers.path !== undefined) source.answers.ownPaths = ownPathsIn(source.answers.path, own);
    out.push('    {', `      name: ${str(source.name)},`, ...renderPlugin(source), '    },');
  }
  out.push(
    '  ],',
    '  // Where each backup is stored.',
    '  targets: [',
    '    {',
    `      name: ${str(target.name)},`,
    ...renderPlugin(target),
    `      // The ${answers.keep} newest backups; or keepDaily, keepWeekly, keepMonthly... (see the Pickup docs: docs/retention.md)`,
    `      retention: { keepLast: ${answers.keep} },`,
    '    },',
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

/** `use` and `with` of an entry, from its plugin's template; without one, an empty `with` to fill in. */
function renderPlugin(entry: Entry): string[] {
  const { plugin } = entry;
  const summary = plugin.template?.summary;
  const use = `      use: ${str(plugin.use)}, // ${plugin.package}${summary ? `: ${oneLine(summary)}` : ''}`;
  if (!plugin.template) {
    const fill = `${plugin.package} offers no template for pickup init: fill in its options as its docs say (pickup check names what is missing)`;
    return [use, `      // ${fill}`, '      with: {},'];
  }
  const lines = plugin.template.options(entry.answers).map((option) => {
    const comment = option.comment ? ` // ${oneLine(option.comment)}` : '';
    return `        ${option.example ? '// ' : ''}${key(option.name)}: ${literal(option.value)},${comment}`;
  });
  return [use, '      with: {', ...lines, '      },'];
}

/** A path of Pickup's own next to the config: a folder, or a file. */
interface Own {
  path: string;
  folder: boolean;
}

/** The paths of `own` strictly inside the folder `source`, relative to it with `/` between parts; a folder's end in `/`. */
function ownPathsIn(source: string, own: Own[]): string[] {
  return own.flatMap((inner) => {
    const path = relative(source, inner.path);
    if (path === '' || path.startsWith('..') || isAbsolute(path)) return [];
    return [`${path.split(sep).join('/')}${inner.folder ? '/' : ''}`];
  });
}

/** A value as TypeScript: strings single-quoted, arrays and objects on one line. */
function literal(value: InitValue): string {
  if (typeof value === 'string') return str(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const fields = Object.entries(value as Record<string, InitValue>).map(
    ([name, inner]) => `${key(name)}: ${literal(inner)}`,
  );
  return fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}';
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : str(name);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** A single-quoted TypeScript string literal. */
function str(text: string): string {
  // JSON's escapes are JavaScript's too; only the quotes differ.
  return `'${JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}
