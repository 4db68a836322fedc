import { ToolError } from '@pickup/core/plugin';
import { MINIMUM_VERSION, type Restic } from './restic.js';

/** One check per program and process: its version does not change under a run. */
const checked = new Map<string, Promise<void>>();

/** Refuses a restic older than MINIMUM_VERSION, saying what to install. */
export function assertVersion(restic: Restic): Promise<void> {
  const program = restic.setup.program;
  let check = checked.get(program);
  if (!check) {
    // `restic version` has no --json before 0.16: its one line, `restic 0.14.0 compiled with go1.19.8 on linux/amd64`.
    check = restic.run(['version'], { detached: true }).then((output) => {
      const found = /restic (\d+)\.(\d+)\.(\d+)/.exec(output);
      const version = found ? found.slice(1).map(Number) : undefined;
      if (!version || compare(version, MINIMUM_VERSION) < 0) {
        const minimum = MINIMUM_VERSION.join('.');
        throw new ToolError(
          `${program} is ${version ? `version ${version.join('.')}` : 'of an unknown version'}; Pickup needs restic ${minimum} or newer ` +
            '(Debian 12 and newer: apt install restic; or restic self-update)',
          null,
          output,
        );
      }
    });
    check.catch(() => checked.delete(program)); // a failed check is made again next time
    checked.set(program, check);
  }
  return check;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
