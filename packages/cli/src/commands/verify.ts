import { ConfigError, ExitCode, findBackup, isPickupError, messageOf, selectTargets, targetHandle, verifyBackup } from '@pickup/core';
import { withPlan, type GlobalArgs } from '../session.js';

export interface VerifyArgs extends GlobalArgs {
  which: string;
  target?: string | undefined;
  sample: number;
}

/** `pickup verify`: reads a backup back from each target and checks it against its manifest. */
export async function verifyCommand(args: VerifyArgs): Promise<number> {
  return withPlan(args, async (plan, log) => {
    const signal = new AbortController().signal;
    let failed = false;
    const notThere: string[] = [];
    let verified = 0;
    for (const planned of selectTargets(plan, args.target)) {
      const target = targetHandle(plan, planned, log, signal);
      try {
        const backups = await target.list();
        // Without --target, an id only some targets hold is verified where it is.
        if (!args.target && args.which !== 'latest' && !backups.some((backup) => backup.id === args.which)) {
          notThere.push(target.name);
          continue;
        }
        const { backup } = findBackup(backups, args.which, target.name);
        const result = await verifyBackup(target, backup, log, signal, args.sample);
        verified++;
        if (result.problems.length > 0) {
          failed = true;
          log.error({ target: target.name }, `backup ${backup.id} is damaged: ${result.problems.length} of ${result.checked} file(s) do not match the manifest`);
        }
      } catch (error) {
        // An unknown id is the user's mistake; "no backup there yet" at one target is that target's problem.
        if (isPickupError(error) && error.exitCode === ExitCode.usage && args.which !== 'latest') throw error;
        failed = true;
        log.error({ target: target.name, err: error }, `cannot verify: ${messageOf(error)}`);
      }
    }
    if (verified === 0 && !failed) throw new ConfigError(`no target holds backup ${args.which} (looked at ${notThere.join(', ')}); see pickup list`);
    return failed ? ExitCode.partial : ExitCode.ok;
  });
}
