import { checkPlan, ExitCode } from '@pickup/core';
import { withPlan, type GlobalArgs } from '../session.js';

/** `pickup check`: 0 when the config and every plugin are sound, 1 when a check failed, 2 for a bad config. */
export async function checkCommand(args: GlobalArgs): Promise<number> {
  return withPlan(args, async (plan, log) => {
    log.info(`ok: config ${plan.file}`);
    const results = await checkPlan(plan, log, new AbortController().signal);
    for (const result of results) {
      if (result.ok) log.info(`ok: ${result.subject}: ${result.detail}`);
      else log.error(`${result.subject}: ${result.detail}`);
    }
    return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.partial;
  });
}
