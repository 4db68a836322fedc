import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { OptionError } from '@pickup/core/plugin';

/**
 * Where `program` is: a path with a `/` is taken relative to the config file, a bare name is looked up
 * in PATH as the shell would. Throws an OptionError on `command` when it cannot be run.
 */
export async function findProgram(program: string, resolvePath: (path: string) => string): Promise<string> {
  const candidates = program.includes('/')
    ? [resolvePath(program)]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((folder) => join(folder, program));
  for (const candidate of candidates) if (await isExecutableFile(candidate)) return candidate;
  throw new OptionError(
    'command',
    program.includes('/')
      ? `${candidates[0]} is not an executable file`
      : `${program} was not found in PATH (${process.env.PATH ?? ''})`,
  );
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
