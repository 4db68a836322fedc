import { ExitCode } from '../errors.js';
import { restoreBackup, type RestoreRequest } from '../lifecycle/restore.js';
import { lockConfig } from '../runtime/config-lock.js';
import { withPlan, type CommandOptions } from './session.js';

/** What `pickupRestore` takes: `force` defaults to false, `only` to everything. */
export type RestoreCommandRequest = CommandOptions &
  Omit<RestoreRequest, 'force' | 'only'> & { force?: boolean | undefined; only?: readonly string[] | undefined };

/** `pickup restore`: fetches a source's files of a backup, checks them, and has the source put them back. */
export function pickupRestore(options: RestoreCommandRequest): Promise<number> {
  const request: RestoreRequest = { ...options, force: options.force ?? false, only: options.only ?? [] };
  return withPlan(options, async (plan, log) => {
    // Holding the config's lock, no nightly run's retention removes the backup while it is restored.
    const lock = await lockConfig(plan, log);
    try {
      await restoreBackup(plan, request, log, new AbortController().signal);
    } finally {
      await lock.release();
    }
    return ExitCode.ok;
  });
}
