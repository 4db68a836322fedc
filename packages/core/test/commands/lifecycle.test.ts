// list, prune, verify and restore, in-process: what `pickup <command>` does, called as a program would.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pickupList } from '../../src/commands/list.js';
import { pickupPrune } from '../../src/commands/prune.js';
import { pickupRestore } from '../../src/commands/restore.js';
import { pickupRun } from '../../src/commands/run.js';
import { pickupVerify } from '../../src/commands/verify.js';
import { ExitCode } from '../../src/errors.js';
import { fakeProject, storedBackups, type FakeProject } from './fakes.js';

describe('list, prune, verify and restore, in-process with fake plugins', () => {
  let project: FakeProject;
  const quiet = () => ({ config: project.file, stdout: new PassThrough(), stderr: new PassThrough() });
  const runIds: string[] = [];

  beforeEach(async () => {
    project = await fakeProject();
    await mkdir(project.path('nas'));
    runIds.length = 0;
    for (const night of [1, 2, 3]) {
      await project.writeConfig({
        sources: [
          { name: 'www', use: 'fake', with: { files: { 'index.html': `night ${night}`, 'img/logo.svg': '<svg/>' } } },
        ],
        targets: [{ name: 'nas', use: 'fake', with: { path: 'nas' } }],
      });
      const { exitCode, summary } = await pickupRun({ ...quiet(), pickupVersion: '0.0.0-test' });
      expect(exitCode).toBe(ExitCode.ok);
      runIds.push(summary.runId!);
    }
  });
  afterEach(() => project.remove());

  it('list gives each target its backups, newest first, with what each holds', async () => {
    const { exitCode, targets } = await pickupList(quiet());
    expect(exitCode).toBe(ExitCode.ok);
    expect(targets).toHaveLength(1);
    expect(targets![0]!.name).toBe('nas');
    expect(targets![0]!.backups!.map((backup) => [backup.id, backup.complete])).toEqual(
      [...runIds].reverse().map((id) => [id, true]),
    );
    expect(targets![0]!.backups![0]!.manifest!.sources.map((source) => source.name)).toEqual(['www']);
  });

  it('prune applies retention now; a dry run removes nothing', async () => {
    const config = JSON.parse(await readFile(project.file, 'utf8'));
    config.targets[0].retention = { keepLast: 1 };
    await project.writeConfig(config);
    expect(await pickupPrune({ ...quiet(), dryRun: true })).toBe(ExitCode.ok);
    expect(await storedBackups(project.path('nas'))).toEqual(runIds);
    expect(await pickupPrune(quiet())).toBe(ExitCode.ok);
    expect(await storedBackups(project.path('nas'))).toEqual([runIds[2]]);
    expect(await readFile(project.path('nas', runIds[2]!, 'www/index.html'), 'utf8')).toBe('night 3');
  });

  it('verify reads the latest backup back: sound, then damaged after a byte changes (exit 1)', async () => {
    expect(await pickupVerify({ ...quiet(), which: 'latest' })).toBe(ExitCode.ok);
    await writeFile(project.path('nas', runIds[2]!, 'www/index.html'), 'night 9');
    const stderr = new PassThrough();
    const lines: string[] = [];
    stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    expect(await pickupVerify({ ...quiet(), stderr, which: 'latest' })).toBe(ExitCode.partial);
    expect(lines.join('')).toContain(`backup ${runIds[2]} is damaged: 1 of 2 file(s) do not match the manifest`);
  });

  it('restore puts the files back byte for byte; an unknown backup id is a usage error (exit 2)', async () => {
    const to = project.path('restored');
    const base = { ...quiet(), source: 'www', to };
    expect(await pickupRestore({ ...base, which: 'latest' })).toBe(ExitCode.ok);
    expect(await readFile(project.path('restored', 'index.html'), 'utf8')).toBe('night 3');
    expect(await readFile(project.path('restored', 'img/logo.svg'), 'utf8')).toBe('<svg/>');
    expect(await pickupRestore({ ...base, to: project.path('elsewhere'), which: '2099-01-01T000000.000Z' })).toBe(
      ExitCode.usage,
    );
    expect(existsSync(project.path('elsewhere'))).toBe(false);
  });
});
