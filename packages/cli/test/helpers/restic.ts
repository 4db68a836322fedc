import { chmod, writeFile } from 'node:fs/promises';
import type { Project } from './project.js';

export { resticBy } from '../../../../test/restic.js';

/** A password file for a repository, 0600, as a user would make one. */
export async function writePasswordFile(
  project: Project,
  name = 'restic-password',
  password = 'correct horse battery staple',
): Promise<string> {
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
