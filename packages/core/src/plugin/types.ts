import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import type { Manifest, ManifestFile, SourceFacts } from '../model/manifest.js';
import type { ProgressUpdate } from '../model/progress.js';
import type { InitTemplate } from './init-template.js';

/**
 * The plugin API version this core speaks. A plugin built with `defineSource`/`defineTarget`
 * carries the version of the core it was built against; the core refuses any other.
 */
export const PLUGIN_API_VERSION = 1;

export type OptionsSchema = z.ZodType;

/** What every plugin call gets. */
export interface PluginContext<Options> {
  /** The plugin's options, validated and defaulted by its schema. */
  options: Options;
  /** The name the config gives this source or target (`www`, `nas`). */
  name: string;
  /** Resolves a path from the config against the config file's folder (cron starts in `/`). */
  resolvePath(path: string): string;
  log: Logger;
  signal: AbortSignal;
}

export interface SourceBackupContext<Options> extends PluginContext<Options> {
  /**
   * The source's own folder in the staging area; it exists and is empty. The source MUST write only
   * inside it (a file a tool needs for a moment goes into `privateTempDir` and is removed before
   * `backup` settles), and MUST leave only regular files (and folders) in it: every file left in it when
   * `backup` resolves is part of the backup and listed in the manifest.
   */
  dir: string;
  /**
   * Reports a part that could not be included while the rest was backed up (a file vanished, a
   * database missing): logged as a warning, and the source is marked partial. A source SHOULD warn,
   * not throw, for such a part, and MUST throw instead when nothing usable was made. One line, no
   * secrets; not for information (use `log`): a backup of sound data warns nothing.
   */
  warn(message: string): void;
  /**
   * Says how far the backup is (files and bytes read so far, totals where known), for the live display
   * on a terminal. Optional to call, cheap to call often; absent in cores before it existed, so call it
   * as `ctx.progress?.(...)`.
   */
  progress?(update: ProgressUpdate): void;
}

export interface Source<Options = unknown> {
  kind: 'source';
  apiVersion: number;
  /** The plugin's package name, for messages. */
  name: string;
  options: z.ZodType<Options>;
  /**
   * Writes the backup into `ctx.dir`. It MUST write nothing outside `ctx.dir` and MUST NOT change what it
   * backs up (files, their modes and mtimes, a database's rows). It MUST throw, with a one-line message,
   * when nothing usable was made (the core then discards the folder); a part it could not include is a
   * `warn`. When `ctx.signal` aborts, it MUST reject within 10 s (SHOULD within 1 s), having stopped
   * everything it started: no program of it still runs, nothing more is written in `ctx.dir`.
   * No log line or error may show a secret: of its options, or of its environment.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a backup that records nothing returns nothing
  backup(ctx: SourceBackupContext<Options>): Promise<BackupResult | void>;
  /**
   * Checks that a backup could run now (`pickup check`, `--dry-run`); throws a one-line message if not.
   * MUST write nothing: no file, in the data, the staging area or the temp folder, left behind.
   */
  check?(ctx: PluginContext<Options>): Promise<void>;
  /** What this source backs up, for `--dry-run` and `pickup check`: one line, no secret. */
  describe?(options: Options, resolvePath: (path: string) => string): string;
  /**
   * Puts a backup of this source back (`pickup restore`). The files are local copies, already checked
   * against the manifest. MUST write nothing outside what `ctx.to` designates (the folder, the new
   * database) and MUST NOT change what the backup was made of; MUST refuse a `to` that is not empty
   * unless `ctx.force`, leaving it as it was. Without it, `pickup restore` says the source cannot restore.
   */
  restore?(ctx: SourceRestoreContext<Options>): Promise<void>;
  /**
   * Which of the backup's files (paths in the source's folder of it) a restore of `only` (possibly
   * empty: everything) needs, so the rest is not fetched. MUST throw a message when `only` names
   * something the backup does not have (or else `restore` must), and when the source needs a choice.
   * Without it, every file is fetched and `--only` is refused.
   */
  filesToRestore?(only: readonly string[], paths: readonly string[]): string[];
  /**
   * True when `restore` honours `ctx.login` (`pickup restore --as USER`): it then connects as that user
   * instead of the one in its options. Without it, the core refuses `--as` for this source.
   */
  restoreLogin?: boolean;
  /**
   * What a backup with these options will hold that opens other systems (password hashes), so that
   * the core can warn when it goes unencrypted to another machine. Undefined: nothing of the kind.
   * May connect to find out; a failure to find out counts as nothing.
   */
  credentials?(ctx: PluginContext<Options>): Promise<CredentialsAtRest | undefined>;
  /**
   * Whether what this source stages with these options is compressed: a store that keeps only what
   * changed from one backup to the next (restic) finds little in common between two compressed files,
   * so the core warns when such a target gets them. Absent: taken as not compressed.
   */
  compressed?(options: Options): boolean;
  /**
   * How `pickup drill` restores a backup of this source into scratch space and checks it against the
   * facts the backup recorded. Without it, a drill checks the backup's checksums only, and says so.
   */
  drill?: SourceDrill<Options>;
  /** What `pickup init` writes for this source (see `InitTemplate`). Absent: an empty `with` for the user to fill. */
  init?: InitTemplate;
}

/** What a backup may report (see `Source.backup`). */
export interface BackupResult {
  /**
   * Facts about what was stored, kept in the manifest for `drill` to compare a restored copy with: a
   * folder's file count and bytes, a database's tables and their row counts. They MUST describe what the
   * staged files hold (counted while writing them, or in the dump's own snapshot), not the live data a
   * moment later. Plain JSON, small (a few KiB per table or thousand files at most), no secret.
   */
  facts?: SourceFacts;
}

/** A source's part of `pickup drill` (see `Source.drill`). */
export interface SourceDrill<Options = unknown> {
  /**
   * Restores `ctx.files` into scratch space only (`ctx.scratchDir`, databases named by
   * `ctx.scratchName()`), compares what it restored with `ctx.facts`, and removes the scratch databases
   * it made before it settles, whether it succeeds or not (the core removes `scratchDir`). MUST NOT write
   * anything else: not the source's own data or databases. MUST throw, with a one-line message naming
   * what differs, when the restored copy does not match the facts or the restore fails. Resolves with
   * one line saying what was compared (`2 databases, 14 tables, 120,456 rows as recorded`). Without
   * facts (a backup made before the plugin recorded them) it restores and says nothing was compared.
   * When `ctx.signal` aborts, it MUST reject within 10 s, having stopped what it started.
   */
  restoreAndCheck(ctx: SourceDrillContext<Options>): Promise<string>;
  /**
   * Removes a scratch database by its name, one that a drill killed midway left (the core recorded it
   * when `scratchName` gave it out, and calls this at the next drill or run). A name that is not there
   * is no error. MUST remove nothing but that scratch database. Needed by every source whose drill
   * makes anything outside `scratchDir`.
   */
  removeScratch?(ctx: SourceScratchContext<Options>): Promise<void>;
}

export interface SourceDrillContext<Options> extends PluginContext<Options> {
  /** Every file of the source's backup, fetched and checked against the manifest (decrypted if need be). */
  files: readonly RestoreFile[];
  /** The facts the backup recorded (`BackupResult.facts`); undefined when it recorded none. */
  facts: SourceFacts | undefined;
  /** An empty private folder of the drill, in the staging area; the core removes it afterwards. */
  scratchDir: string;
  /**
   * A new name for a scratch database, one that cannot be a real database's (`pickup_drill_` and random
   * letters), recorded by the core until the drill ends so that a killed drill's is removed later.
   */
  scratchName(): Promise<string>;
  /** The config's `drill.as` and `drill.passwordFile` for this source: connect as this user instead. */
  login?: RestoreLogin | undefined;
}

export interface SourceScratchContext<Options> extends PluginContext<Options> {
  /** The scratch database to remove, as `scratchName` gave it out. */
  name: string;
  login?: RestoreLogin | undefined;
}

/** Credentials a source stores in its backup (see `Source.credentials`). */
export interface CredentialsAtRest {
  /** The file of the backup that holds them: `globals.sql`. */
  file: string;
  /** What they are: `the roles' password hashes`. */
  holds: string;
  /** The option setting that leaves them out: `rolePasswords: false`. */
  leaveOut: string;
}

/** Who to connect as for a restore, instead of the user in the source's options (`pickup restore --as`). */
export interface RestoreLogin {
  user: string;
  /** From `--password-file`; none: the client's own ways (a socket, ~/.pgpass, ...). */
  password?: string | undefined;
  /** Where the password came from, for messages: `--password-file /root/pg-admin`. */
  passwordFrom?: string | undefined;
}

/** A file of the source's backup, fetched from a target and verified. */
export interface RestoreFile {
  /** Its path in the source's folder of the backup: `www.tar.gz`. */
  path: string;
  /** Where the verified copy is on this machine. */
  localPath: string;
  size: number;
}

export interface SourceRestoreContext<Options> extends PluginContext<Options> {
  files: readonly RestoreFile[];
  /** Where to restore to (`--to`): a folder for a folder source, a database name for a database source. */
  to: string;
  /** `--force`: the user accepts that `to` is not empty and may be overwritten. */
  force: boolean;
  /** `--only`: the parts to restore, if the source supports choosing (empty: everything). */
  only: readonly string[];
  /** `--as USER`: connect as this user (only given to sources with `restoreLogin`). */
  login?: RestoreLogin | undefined;
}

/** What a target is asked to store: one staged run. */
export interface StagedRun {
  runId: string;
  /** The staging folder of the run; every file path below is relative to it. */
  dir: string;
  /** The data files, in manifest order. */
  files: readonly ManifestFile[];
  /** The path of manifest.json, relative to `dir`. It MUST be stored last. */
  manifestFile: string;
  manifest: Manifest;
}

export interface TargetPushContext<Options> extends PluginContext<Options> {
  run: StagedRun;
  /** Says how many bytes (and files) are sent so far, for the live display; call it as `ctx.progress?.(...)`. */
  progress?(update: ProgressUpdate): void;
}

/** What a push may report. */
export interface PushResult {
  /** Bytes the target did not have to store again (hard links, server-side copies). */
  linkedBytes?: number;
}

/** A backup a target holds, as it lists it. */
export interface StoredEntry {
  /**
   * What `remove` and `read` take. For a complete backup it MUST be the run id (the core checks the
   * manifest's `runId` against it); for an incomplete one, a name of the target's own (`<runId>.partial`).
   */
  id: string;
  /** The run it is of, complete or not: retention removes an incomplete one by its date. */
  runId: string;
  /**
   * The push finished: the whole backup is there, its manifest with it (the core reads it, and reports
   * the backup damaged if it cannot). An incomplete one is never listed as a backup, only removed once a
   * newer one is complete.
   */
  complete: boolean;
}

/**
 * One host's backups in a store that several hosts share (`Target.hosts`), for `pickup report`. Read
 * only: nothing here writes, moves, removes or locks.
 */
export interface HostBackups {
  /**
   * The host as the store names it: the last part of an S3 prefix, the host a restic snapshot records,
   * the name of a per-host folder. Unique among the hosts of one store.
   */
  host: string;
  /** Whether these are the backups this config's own `list` shows (at most one host of a store). */
  own: boolean;
  /** Every backup of this host, complete or not: what that host's own `list` shows. */
  list(): Promise<StoredEntry[]>;
  /**
   * Opens one file of one of this host's backups (`manifest.json`, `www/www.tar.gz`): that host's bytes,
   * never another host's. A missing file MUST fail with an error whose `code` is `ENOENT`.
   */
  read(id: string, path: string): Promise<Readable>;
}

export interface TargetBackupContext<Options> extends PluginContext<Options> {
  id: string;
}

export interface TargetReadContext<Options> extends TargetBackupContext<Options> {
  /** A file of the backup, relative to it: `www/www.tar.gz`, `manifest.json`. */
  path: string;
}

/**
 * Somewhere to store backups. Its calls may be cut off at any instant (an error, an abort, kill -9, a
 * power cut, a dropped connection); what a cut call leaves MUST never pass for a backup, and MUST be
 * something `list` shows, so that retention removes it. No log line, error or description may show a
 * secret.
 */
export interface Target<Options = unknown> {
  kind: 'target';
  apiVersion: number;
  name: string;
  options: z.ZodType<Options>;
  /**
   * Stores the run under its run id. MUST be atomic: at no instant, wherever it is cut off, may anything
   * list as a complete backup of this run but the whole backup (write under a temporary name, the
   * manifest last, then rename). Whatever it has written MUST list, until then, as an incomplete entry
   * of this run. MUST refuse (throw, changing nothing) when a complete backup of the same run id is
   * there; an incomplete one it may replace. When `ctx.signal` aborts, MUST reject within 10 s, having
   * stopped what it started. On failure it MUST throw, and SHOULD remove what it wrote.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a push that has nothing to report returns nothing
  push(ctx: TargetPushContext<Options>): Promise<PushResult | void>;
  /**
   * Every backup the target holds, complete or not, in any order. What a push or removal that did not
   * finish left MUST be listed, `complete: false` with its run id.
   */
  list(ctx: PluginContext<Options>): Promise<StoredEntry[]>;
  /**
   * Removes one backup whole, complete or not: once it resolves, nothing of it is left. MUST NOT change
   * any other backup (mind shared hard links). At no instant, wherever it is cut off, may what is left
   * list as complete with data missing: first rename the backup to an incomplete name, or delete its
   * manifest, then the rest.
   */
  remove(ctx: TargetBackupContext<Options>): Promise<void>;
  /**
   * Opens one file of the backup `ctx.id` as a stream: its bytes, never another backup's. A missing
   * file MUST fail with an error whose `code` is `ENOENT` (from the promise or the stream).
   */
  read(ctx: TargetReadContext<Options>): Promise<Readable>;
  /**
   * Checks that a push could run now (`pickup check`, `--dry-run`); throws a one-line message if not.
   * It may write to find out, and MUST leave nothing behind.
   */
  check?(ctx: PluginContext<Options>): Promise<void>;
  /** Where this target stores, for `--dry-run` and `pickup check`: one line, no secret. */
  describe?(options: Options, resolvePath: (path: string) => string): string;
  /**
   * Whether backups stored with these options leave this machine (a server, a bucket): the core warns
   * when credentials go there unencrypted. Absent: they are taken to leave it.
   */
  remote?(options: Options): boolean;
  /**
   * Whether the target encrypts what it stores with these options (restic's repositories are): the
   * core then does not warn that credentials go to it unencrypted. Absent: it does not.
   */
  encrypts?(options: Options): boolean;
  /**
   * For a store whose backups share their data (one that keeps only what changed: restic): deletes the
   * data no complete backup uses any more, what removals and cut pushes left. Having it makes the
   * target a shared store, for which two rules change: what a cut push wrote is data of no backup, not
   * an entry `list` must show (only a push's marker of its own, if any, is listed), and `remove` may leave
   * the removed backup's data until `reclaim`. The core calls it once after a retention pass that
   * removed something, never while a push of the same config runs. MUST NOT change what a complete
   * backup holds; may be cut off like every call, and the next one finishes the work.
   */
  reclaim?(ctx: PluginContext<Options>): Promise<void>;
  /**
   * For a store that several hosts share (a bucket with a prefix per host, a restic repository, a folder
   * of per-host folders): every host that has backups there, this config's own among them, for
   * `pickup report`. MUST only read: no write, move, removal or lock, so read-only credentials do. Each
   * host's `list` MUST show what that host's own config lists, and its `read` that host's bytes only.
   * Throws a one-line message when these options do not name a shared store (say which option would).
   */
  hosts?(ctx: PluginContext<Options>): Promise<HostBackups[]>;
  /** What `pickup init` writes for this target (see `InitTemplate`). Absent: an empty `with` for the user to fill. */
  init?: InitTemplate;
}

export type Plugin = Source | Target;
export type PluginKind = Plugin['kind'];
