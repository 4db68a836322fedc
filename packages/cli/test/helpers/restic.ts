import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Project } from './project.js';

const run = promisify(execFile);

/** restic run by hand on a repository, as its administrator would: outside Pickup. */
export function resticBy(repository: string, env: Record<string, string>) {
  const restic = async (...args: string[]) =>
    (await run('restic', ['--repo', repository, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })).stdout;
  return {
    restic,
    /** The snapshots of `host` (all hosts without one), as restic lists them. */
    async snapshots(host?: string): Promise<{ id: string; hostname: string; tags?: string[]; paths: string[] }[]> {
      return JSON.parse((await restic('snapshots', '--json', '--no-lock', ...(host ? ['--host', host] : []))) || '[]') ?? [];
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
  };
}

/** A password file for a repository, 0600, as a user would make one. */
export async function writePasswordFile(project: Project, name = 'restic-password', password = 'correct horse battery staple'): Promise<string> {
  await writeFile(project.path(name), `${password}\n`);
  await chmod(project.path(name), 0o600);
  return project.path(name);
}

/** A restic program that logs its argv to `argv.log`, then runs the real one: to see what the command line shows. */
export async function spyingRestic(project: Project): Promise<string> {
  const script = project.path('restic-spy');
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$0 $*" >> "${project.path('argv.log')}"\nexec restic "$@"\n`);
  await chmod(script, 0o755);
  return script;
}
