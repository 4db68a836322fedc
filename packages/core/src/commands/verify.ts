import { ConfigError, ExitCode, isPickupError, messageOf } from '../errors.js';
import { findBackup, selectTargets, targetHandle } from '../backups/stored.js';
import { verifyBackup } from '../lifecycle/verify.js';
import type { Logger } from '../log/logger.js';
import { withCommandMetrics, type TargetFindings } from '../metrics/record.js';
import type { Plan } from '../plugin/plan.js';
import { withPlan, type CommandOptions } from './session.js';

export interface VerifyRequest extends CommandOptions {
  /** A backup id, or `latest`. */
  which: string;
  /** Only this target. */
  target?: string | undefined;
  /** The percentage of the files to check, chosen at random (default 100). */
  sample?: number | undefined;
}

/**
 * `pickup verify`: reads a backup back from each target and checks it against its manifest. Its outcome,
 * each target's and the backups each target holds go to the metrics.
 */
export function pickupVerify(request: VerifyRequest): Promise<number> {
  return withPlan(request, (plan, log) =>
    withCommandMetrics(plan, log, 'verify', (found) => verifyTargets(plan, log, request, found)),
  );
}

async function verifyTargets(plan: Plan, log: Logger, request: VerifyRequest, found: TargetFindings): Promise<number> {
  const signal = new AbortController().signal;
  let failed = false;
  const notThere: string[] = [];
  let verified = 0;
  for (const planned of selectTargets(plan, request.target)) {
    const target = targetHandle(plan, planned, log, signal);
    try {
      const backups = await target.list();
      found.backups.set(target.name, backups.filter((backup) => backup.complete).length);
      // Without a target named, an id only some targets hold is verified where it is.
      if (!request.target && request.which !== 'latest' && !backups.some((backup) => backup.id === request.which)) {
        notThere.push(target.name);
        continue;
      }
      const { backup } = findBackup(backups, request.which, target.name);
      const result = await verifyBackup(target, backup, log, signal, request.sample ?? 100);
      verified++;
      found.verified.set(target.name, result.problems.length === 0);
      if (result.problems.length > 0) {
        failed = true;
        log.error(
          { target: target.name },
          `backup ${backup.id} is damaged: ${result.problems.length} of ${result.checked} file(s) do not match the manifest`,
        );
      }
    } catch (error) {
      // An unknown id is the user's mistake; "no backup there yet" at one target is that target's problem.
      if (isPickupError(error) && error.exitCode === ExitCode.usage && request.which !== 'latest') throw error;
      failed = true;
      found.verified.set(target.name, false);
      log.error({ target: target.name, err: error }, `cannot verify: ${messageOf(error)}`);
    }
  }
  if (verified === 0 && !failed)
    throw new ConfigError(
      `no target holds backup ${request.which} (looked at ${notThere.join(', ')}); see pickup list`,
    );
  return failed ? ExitCode.partial : ExitCode.ok;
}
