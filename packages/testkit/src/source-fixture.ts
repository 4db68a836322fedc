import type { Awaitable, FixtureBase } from './per-test.js';

/** Something to back up, made fresh for one test. */
export interface SourceFixture extends FixtureBase {
  /** How to check a restore; required when the source can restore. */
  restore?: {
    /** What `pickup restore --to` would get: a new folder, a new database name. */
    to: string;
    /** `--only`, for a source that needs a choice (one database of several). */
    only?: string[];
    /** Throws (or fails an `expect`) unless what is at `to` equals what was backed up. */
    verify(to: string): Awaitable<void>;
  };
  /** For a broken fixture: the problem shows only when the backup runs (a command that fails), so `check` may pass. */
  onlyBackupFails?: boolean;
  /**
   * What the data outside `workDir` holds now (a database's rows and a checksum), for data the suite
   * cannot see: compared before and after each backup, check, restore and drill, which must not change it.
   */
  fingerprint?(): Awaitable<unknown>;
  /**
   * Changes the data so that a backup's facts tell it: adds a file, inserts a row. The drill tests back
   * up, call it, back up again, and check that a drill of the second backup against the first one's
   * facts fails. Required of `setup`'s fixture when the source has a `drill`.
   */
  change?(): Awaitable<void>;
  /**
   * Whether a database of this name is on the server the options name, seen from outside the plugin (an
   * admin client: `SELECT 1 FROM pg_database WHERE datname = $1`). The drill tests ask it about every
   * scratch name a drill was given (`pickup_drill_...`) once the drill settled: the drill must have
   * dropped each. Required of `setup`'s and `slow`'s fixtures when the source's drill has `removeScratch`.
   */
  scratchExists?(name: string): Awaitable<boolean>;
}

export interface SourceSuite {
  /** Makes fresh data (files under `workDir`, a new database) and returns how to back it up. */
  setup(workDir: string): Awaitable<SourceFixture>;
  /** Options naming something that cannot be backed up (a missing folder, a wrong password). */
  broken?(workDir: string): Awaitable<SourceFixture>;
  /**
   * Data whose backup takes at least a second here and writes well over 64 KiB (tens of MB of random
   * files, a table of a few hundred thousand rows): the test of an interruption midway aborts it once
   * 64 KiB are in its folder. A drill of its backup is interrupted likewise.
   */
  slow?(workDir: string): Awaitable<SourceFixture>;
  /**
   * Data of which only a part can be backed up (one of two databases missing, an empty folder): the
   * backup must warn and keep the rest, not fail.
   */
  partial?(workDir: string): Awaitable<SourceFixture>;
  /** The source's name in the config (default `data`). */
  name?: string;
}
