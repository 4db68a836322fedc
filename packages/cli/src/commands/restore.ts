import { ExitCode, lockConfig, restoreBackup } from '@pickup/core';
import { withPlan, type GlobalArgs } from '../session.js';

export interface RestoreArgs extends GlobalArgs {
  which: string;
  source: string;
  to: string;
  target?: string | undefined;
  force: boolean;
  only: string[];
  identity?: string | undefined;
  passphraseFile?: string | undefined;
  asUser?: string | undefined;
  passwordFile?: string | undefined;
}

/** `pickup restore`: fetches a source's files of a backup, checks them, and has the source put them back. */
export async function restoreCommand(args: RestoreArgs): Promise<number> {
  return withPlan(args, async (plan, log) => {
    const request = {
      which: args.which,
      source: args.source,
      to: args.to,
      target: args.target,
      force: args.force,
      only: args.only,
      identityFile: args.identity,
      passphraseFile: args.passphraseFile,
      asUser: args.asUser,
      passwordFile: args.passwordFile,
    };
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
