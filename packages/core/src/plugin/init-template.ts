/**
 * The generic questions of `pickup init` that a template may ask for; the command line owns their words,
 * flags and defaults.
 *
 * - `folders` (sources): folders to back up (`--source-path`, default `/etc`); one source per folder,
 *   named after it.
 * - `databases` (sources): database names, or all (`--database`).
 * - `server` (sources): a host (`--db-host`, default `127.0.0.1`, one for every such source) and, when
 *   the template has `defaults.port`, a port (`--db-port`).
 * - `server` (targets): a host, a user and a folder at that server (`--target-host`, `--target-user`,
 *   `--target-path`).
 * - `folder` (targets): a folder on this machine (`--target-path`, default `/var/backups/pickup`).
 *
 * How many backups to keep (`--keep`) is asked for every target: it is the entry's `retention`.
 */
export type InitQuestion = 'folders' | 'databases' | 'server' | 'folder';

/** The answers to the questions a template asks for: only those fields are set. */
export interface InitAnswers {
  /** `folders`: this source's folder; `folder`: the target's folder (both absolute); `server` of a target: the folder at the server, as given. */
  path?: string;
  /**
   * `folders`: Pickup's own files and folders inside `path` (the config's logs and packages, the files of
   * `InitTemplate.files`, a folder target), relative to it with `/` between parts, a folder's ending in
   * `/`: what a backup of `path` should leave out.
   */
  ownPaths?: readonly string[];
  /** `databases`: `all`, or the names. */
  databases?: 'all' | readonly string[];
  /** `server`: a host name or an IPv4 address. */
  host?: string;
  /** `server` of a source with `defaults.port`. */
  port?: number;
  /** `server` of a target: the user to log in as. */
  user?: string;
}

/** A value a template writes into `with`: written as TypeScript, strings single-quoted. */
export type InitValue = string | number | boolean | readonly InitValue[] | { readonly [key: string]: InitValue };

/** One line inside `with: { ... }` of the written config. */
export interface InitOption {
  /** The option's name: `host`. */
  name: string;
  value: InitValue;
  /** Said after the value, on the same line: what it is, how to change it. No secret. */
  comment?: string;
  /** Written as a comment: an example the user may turn on. */
  example?: boolean;
}

/**
 * A file beside the config that the user must make before the first backup, named by the template's
 * options as `./<name>`. `pickup init` names each in its next steps, and leaves the secret ones (`secret`,
 * `ssh-key`) out of the folders it backs up:
 *
 * - `secret`: a secret on its first line; `holds` says whose: `the password of the FTP user backup at nas`.
 * - `ssh-key`: a private ssh key, made with ssh-keygen; `authorizeAt` says where its `.pub` goes:
 *   `~backup/.ssh/authorized_keys at nas`.
 * - `known-hosts`: the host keys of the ssh server `host`, taken with ssh-keyscan.
 */
export type InitFile =
  | { kind: 'secret'; name: string; holds: string }
  | { kind: 'ssh-key'; name: string; authorizeAt: string }
  | { kind: 'known-hosts'; name: string; host: string };

/**
 * What `pickup init` writes for a plugin: the lines of its config entry, from the answers to the generic
 * questions it asks for. A plugin without one is still written, with an empty `with` for the user to fill.
 */
export interface InitTemplate {
  /** Said after `use:`, with the package name: `pg_dump of each database, and the roles`. */
  summary?: string;
  /** What the questions call it: `PostgreSQL` (`PostgreSQL port at ...`), `FTP` (`The FTP server`). */
  title?: string;
  /** The entry's name (a target's, or a source's that does not ask `folders`). Default: the short name of `use`. */
  name?: string;
  /** The generic questions it needs (none: only `--keep`, for a target). */
  asks?: readonly InitQuestion[];
  defaults?: {
    /** The default of the port question (`server` of a source); without it no port is asked. */
    port?: number;
  };
  /** The lines inside `with: { ... }`, in order. */
  options(answers: InitAnswers): readonly InitOption[];
  /** The files the options name that the user must make. */
  files?(answers: InitAnswers): readonly InitFile[];
}
