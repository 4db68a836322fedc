import { mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';

const LOG_FILE = /^pickup\.(\d+)\.log$/;

describe('the log file of pickup run', () => {
  let project: Project;
  afterEach(() => project?.remove());

  async function projectWith(log: { maxSize: number | string; maxFiles: number }): Promise<void> {
    project = await makeProject();
    await mkdir(project.path('data'), { recursive: true });
    await writeFile(project.path('data/a.txt'), 'a');
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      log,
    });
  }

  async function run(): Promise<string> {
    const result = await pickup(['run', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { runId: string }).runId;
  }

  /** The numbered log files, oldest first. */
  async function logFiles(): Promise<{ name: string; number: number; text: string; size: number }[]> {
    const names = (await readdir(project.path('logs'))).filter((name) => LOG_FILE.test(name));
    const files = await Promise.all(
      names.map(async (name) => ({
        name,
        number: Number(LOG_FILE.exec(name)![1]),
        text: await readFile(project.path('logs', name), 'utf8'),
        size: (await stat(project.path('logs', name))).size,
      })),
    );
    return files.sort((a, b) => a.number - b.number);
  }

  it('appends each run to the newest file, pickup.1.log first, private, with current.log pointing at it', async () => {
    await projectWith({ maxSize: '10m', maxFiles: 5 });
    const first = await run();
    const second = await run();
    const files = await logFiles();
    expect(files.map((file) => file.name)).toEqual(['pickup.1.log']);
    expect(files[0]!.text).toContain(first);
    expect(files[0]!.text).toContain(second);
    expect((await stat(project.path('logs/pickup.1.log'))).mode & 0o777).toBe(0o600);
    expect(await readlink(project.path('logs/current.log'))).toBe('pickup.1.log');
    for (const line of files[0]!.text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rolls over past maxSize and keeps maxFiles files besides the current one, of every run', async () => {
    await projectWith({ maxSize: 400, maxFiles: 2 });
    await mkdir(project.path('logs'), { recursive: true });
    await writeFile(project.path('logs/notes.txt'), 'kept');
    const runIds = [await run(), await run(), await run()];

    const files = await logFiles();
    expect(files).toHaveLength(3);
    const current = files.at(-1)!;
    expect(current.number).toBeGreaterThan(3); // each run writes more than 400 bytes: it rolled over several times
    expect(files.map((file) => file.number)).toEqual([current.number - 2, current.number - 1, current.number]);
    expect(await readlink(project.path('logs/current.log'))).toBe(current.name);
    // A file rolls over once it has passed maxSize, after a whole line: no line is cut in two.
    for (const file of files.slice(0, -1)) expect(file.size).toBeGreaterThanOrEqual(400);
    for (const file of files) {
      for (const line of file.text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(files.map((file) => file.text).join('')).toContain(runIds[2]);
    expect(await readFile(project.path('logs/notes.txt'), 'utf8')).toBe('kept');
  });
});
