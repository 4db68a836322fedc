import { ExitCode, lockConfig, pruneTarget, selectTargets, targetHandle } from '@pickup/core';
import { withPlan, type GlobalArgs } from '../session.js';

export interface PruneArgs extends GlobalArgs {
  target?: string | undefined;
  dryRun: boolean;
}

/** `pickup prune`: applies each target's retention now, holding the config's lock so no run is under way. */
export async function pruneCommand(args: PruneArgs): Promise<number> {
  return withPlan(args, async (plan, log) => {
    const targets = selectTargets(plan, args.target);
    const lock = await lockConfig(plan, log);
    try {
      const signal = new AbortController().signal;
      let failed = false;
      for (const planned of targets) {
        if (!planned.retention) log.info({ target: planned.name }, 'no retention set: every backup is kept');
        try {
          const result = await pruneTarget(targetHandle(plan, planned, log, signal), planned.retention, log, { dryRun: args.dryRun });
          const verb = args.dryRun ? 'would remove' : 'removed';
          log.info({ target: planned.name }, `${verb} ${result.removed.length} backup(s), ${result.kept} kept`);
        } catch (error) {
          failed = true;
          log.error({ target: planned.name, err: error }, `retention failed: ${(error as Error).message}`);
        }
      }
      return failed ? ExitCode.partial : ExitCode.ok;
    } finally {
      await lock.release();
    }
  });
}
