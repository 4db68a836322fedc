import { ExitCode, findBackup, selectTargets, targetHandle, verifyBackup } from '@pickup/core';
import { consoleLogger, guard, openPlan, type GlobalArgs } from '../session.js';

export interface VerifyArgs extends GlobalArgs {
  which: string;
  target?: string | undefined;
  sample: number;
}

/** `pickup verify`: reads a backup back from each target and checks it against its manifest. */
export async function verifyCommand(args: VerifyArgs): Promise<number> {
  const logger = await consoleLogger(args);
  const { log } = logger;
  const code = await guard(log, args.verbose ?? false, async () => {
    const plan = await openPlan(args, logger);
    const signal = new AbortController().signal;
    let damaged = false;
    for (const planned of selectTargets(plan, args.target)) {
      const target = targetHandle(plan, planned, log, signal);
      const backup = findBackup(await target.list(), args.which, target.name);
      const result = await verifyBackup(target, backup, log, signal, args.sample);
      if (result.problems.length > 0) {
        damaged = true;
        log.error({ target: target.name }, `backup ${backup.id} is damaged: ${result.problems.length} of ${result.checked} file(s) do not match the manifest`);
      }
    }
    return damaged ? ExitCode.partial : ExitCode.ok;
  });
  await logger.close();
  return code;
}
