import { hostname } from 'node:os';
import { join } from 'node:path';
import { OptionError, runFolderEntry } from '@pickup/core/plugin';

/** Where a folder target keeps this host's backups. */
export interface Layout {
  /** `path`, resolved: the folder the user names. */
  root: string;
  /** The folder of this host's run folders: `root`, or with `perHost` `<root>/<host>`. */
  folder: string;
}

interface LayoutOptions {
  path: string;
  perHost: boolean;
  host?: string | undefined;
}

/**
 * Whether `name` can be a host's folder in a per-host `path`: one folder name, not hidden, not a run
 * folder (of backups kept there before `perHost`), not the `lost+found` of a file system's root.
 */
export function isHostFolderName(name: string): boolean {
  return (
    name !== '' &&
    !/[/\\\0]/.test(name) &&
    !name.startsWith('.') &&
    runFolderEntry(name) === undefined &&
    name !== 'lost+found'
  );
}

/** The name of this host's folder: `host`, or the machine's host name. */
export function hostFolderName(opts: LayoutOptions): string {
  return opts.host ?? hostname();
}

export function layoutOf(opts: LayoutOptions, resolvePath: (path: string) => string): Layout {
  const root = resolvePath(opts.path);
  if (!opts.perHost) return { root, folder: root };
  const host = hostFolderName(opts);
  // `host` is checked by the schema; the machine's name is checked here.
  if (!isHostFolderName(host))
    throw new OptionError('host', `this machine's host name "${host}" cannot name a folder; set host to a folder name`);
  return { root, folder: join(root, host) };
}
