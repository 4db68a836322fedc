import type { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { Manifest, ManifestFile } from '../pipeline/manifest.js';

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
   * The source's own folder in the staging area. The source MUST write only inside it; every
   * file left in it when `backup` resolves is part of the backup and listed in the manifest.
   */
  dir: string;
  /**
   * Reports a problem that did not stop the backup (a file vanished, a table skipped). It is
   * logged as a warning and the source is marked partial. Throw instead when nothing usable was made.
   */
  warn(message: string): void;
}

export interface Source<Options = unknown> {
  kind: 'source';
  apiVersion: number;
  /** The plugin's package name, for messages. */
  name: string;
  options: z.ZodType<Options>;
  /** Writes the backup into `ctx.dir`. Throws when it failed; the core then discards the folder. */
  backup(ctx: SourceBackupContext<Options>): Promise<void>;
  /** Read-only check that a backup could run now (`pickup check`, `--dry-run`). Throws a message if not. */
  check?(ctx: PluginContext<Options>): Promise<void>;
  /** One line saying what this source backs up, for `--dry-run` and `pickup check`. */
  describe?(options: Options, resolvePath: (path: string) => string): string;
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
}

export interface Target<Options = unknown> {
  kind: 'target';
  apiVersion: number;
  name: string;
  options: z.ZodType<Options>;
  /**
   * Stores the run under its run id. MUST be atomic: until it resolves, nothing at the target may
   * look like a complete backup of this run (write under a temporary name, manifest last, then
   * rename). On failure it SHOULD remove what it wrote and MUST throw.
   */
  push(ctx: TargetPushContext<Options>): Promise<void>;
  check?(ctx: PluginContext<Options>): Promise<void>;
  describe?(options: Options, resolvePath: (path: string) => string): string;
}

export type Plugin = Source | Target;
export type PluginKind = Plugin['kind'];
