import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * restic run by hand, as an administrator would look at a repository: outside the plugin. `env` holds
 * the password file and any backend credentials.
 */
export function resticAdmin(repository: string, env: Record<string, string>) {
  const restic = async (...args: string[]) =>
    (await run('restic', ['--repo', repository, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })).stdout;
  return {
    restic,
    /**
     * What restic's own cleanup would still remove (`prune --dry-run`): blobs it would delete or repack
     * away, and packs no index knows (what a killed backup uploaded). 0 once the store is clean.
     */
    async unused(): Promise<number> {
      let output: string;
      try {
        output = await restic('prune', '--dry-run', '--verbose');
      } catch (error) {
        if (/Is there a repository/.test(String((error as { stderr?: string }).stderr))) return 0; // not created yet
        throw error;
      }
      const blobs = Number(/total prune:\s+(\d+) blobs/.exec(output)?.[1] ?? NaN);
      const unindexed = Number(/to delete:\s+(\d+) unreferenced packs/.exec(output)?.[1] ?? 0);
      if (Number.isNaN(blobs)) throw new Error(`restic prune --dry-run said nothing of what it would prune: ${output}`);
      return blobs + unindexed;
    },
  };
}
