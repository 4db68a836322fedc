import { ExitCode } from '../errors.js';
import { restoreBackup, type RestoreRequest } from '../lifecycle/restore.js';
import { lockConfig } from '../runtime/config-lock.js';
import { withPlan, type CommandOptions } from './session.js';

/** `pickup restore`: fetches a source's files of a backup, checks them, and has the source put them back. */
export function pickupRestore(request: CommandOptions & RestoreRequest): Promise<number> {
  return withPlan(request, async (plan, log) => {
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
