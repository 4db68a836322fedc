import { spawn } from 'node:child_process';
import { ExitCode, messageOf, PickupError } from '@pickup/core/errors';

/**
 * Runs `npm install` in `dir`, for the package.json there. npm's summary goes to stdout (unless `quiet`);
 * its errors are kept, and a failure is one line that names the first of them.
 */
export async function npmInstall(dir: string, quiet: boolean): Promise<void> {
  const child = spawn('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'],
  });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const outcome = await new Promise<string | undefined>((resolve) => {
    child.on('error', (error) =>
      resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'npm is not on the PATH' : messageOf(error)),
    );
    child.on('close', (code, signal) =>
      resolve(code === 0 ? undefined : `exit ${code ?? signal}${firstError(errors)}`),
    );
  });
  if (outcome !== undefined) {
    throw new PickupError(
      `npm install in ${dir} failed (${outcome}); run it there yourself, then pickup init again`,
      ExitCode.fatal,
    );
  }
}

/** `: request to ... failed, reason: ...` from npm's `npm error` lines, leaving out its code lines and stack. */
function firstError(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((text) => /^npm (?:error|ERR!) (.*)$/.exec(text.trim())?.[1]?.trim())
    .find((text) => text && !/^(code|errno|syscall) /.test(text));
  return line ? `: ${line}` : '';
}
