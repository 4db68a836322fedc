/** What pushing a run to one target came to: the run summary's view of a target. */
export interface TargetOutcome {
  name: string;
  plugin: string;
  /** skipped: nothing was pushed (every source failed, or the run's before hook). */
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  durationMs?: number;
  /** Bytes the target linked instead of storing again. */
  linkedBytes?: number;
  /** Backups retention removed after this push. */
  removed?: string[];
  /** Complete backups at the target after retention (known when retention listed them). */
  held?: number;
  /** Retention could not be applied (the new backup is stored all the same). */
  pruneError?: string;
}
