import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * restic run by hand on a repository, as its administrator would look at it: outside Pickup. `env` holds
 * the password file (`RESTIC_PASSWORD_FILE`) and any backend credentials.
 */
export function resticBy(repository: string, env: Record<string, string>) {
  const restic = async (...args: string[]) =>
    (
      await run('restic', ['--repo', repository, ...args], {
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;
  return {
    restic,
    /** The snapshots of `host` (all hosts without one), as restic lists them. */
    async snapshots(host?: string): Promise<{ id: string; hostname: string; tags?: string[]; paths: string[] }[]> {
      return (
        JSON.parse((await restic('snapshots', '--json', '--no-lock', ...(host ? ['--host', host] : []))) || '[]') ?? []
      );
    },
    /** The paths of one snapshot's files and folders. */
    async paths(snapshot: string): Promise<string[]> {
      const lines = (await restic('ls', '--json', '--no-lock', snapshot)).trim().split('\n');
      return lines
        .map((line) => JSON.parse(line) as { struct_type: string; path?: string })
        .filter((node) => node.struct_type === 'node')
        .map((node) => node.path!)
        .sort();
    },
    /**
     * What restic's own cleanup would still remove (`prune --dry-run`): blobs it would delete or repack
     * away, and packs no index knows (what a killed backup uploaded). 0 once the store is clean, and for a
     * repository not created yet.
     */
    async unused(): Promise<number> {
      let output: string;
      try {
        output = await restic('prune', '--dry-run', '--verbose');
      } catch (error) {
        if (/Is there a repository/.test(String((error as { stderr?: string }).stderr))) return 0;
        throw error;
      }
      const blobs = Number(/total prune:\s+(\d+) blobs/.exec(output)?.[1] ?? NaN);
      const unindexed = Number(/to delete:\s+(\d+) unreferenced packs/.exec(output)?.[1] ?? 0);
      if (Number.isNaN(blobs)) throw new Error(`restic prune --dry-run said nothing of what it would prune: ${output}`);
      return blobs + unindexed;
    },
  };
}
