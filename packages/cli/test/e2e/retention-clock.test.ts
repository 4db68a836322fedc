// needs: faketime
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';

/** pickup under a faked clock (libfaketime), as if cron had started it at `time` (UTC). */
const at = (time: string) => ({ wrap: ['faketime', '-f', `@${time}`], env: { TZ: 'UTC' } });

describe('retention after a run whose clock was a year ahead', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'nightly\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [
        {
          name: 'disk',
          use: 'folder',
          with: { path: './backups', createPath: true },
          retention: { keepDaily: 3, timeZone: 'UTC' },
        },
      ],
    });
  });
  afterAll(() => project.remove());

  it('the backup dated in the future is kept and counts for no rule: the days before it are kept as the policy says', async () => {
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03']) {
      expect((await pickup(['--quiet'], { cwd: project.dir, ...at(`${day} 02:00:00`) })).code).toBe(0);
    }
    expect((await pickup(['--quiet'], { cwd: project.dir, ...at('2027-03-03 02:00:00') })).code).toBe(0); // the clock gone wrong
    const corrected = await pickup(['--quiet'], { cwd: project.dir, ...at('2026-03-04 02:00:00') });
    expect(corrected.code).toBe(0);
    expect(corrected.stderr).toMatch(
      /warning: target disk: kept 2027-03-03T0200\d\d\.\d{3}Z: it is dated in the future \(was this machine's clock wrong\?\)/,
    );
    const left = (await readdir(project.path('backups'))).map((name) => name.slice(0, 10)).sort();
    // keepDaily 3, counted from 4 March: 4, 3 and 2 March (1 March went in the run of the wrong clock).
    expect(left).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2027-03-03']);
  });
});
