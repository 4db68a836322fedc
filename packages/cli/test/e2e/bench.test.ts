// needs: postgres, ftp, s3
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/project.js';

const run = promisify(execFile);

// The benchmark is not a timed test: this only keeps `pnpm bench` working, at a tiny scale.
describe('pnpm bench', () => {
  let scratch: string;
  let table: string;
  let report: { rows: { group: string; label: string; seconds: number; reference?: boolean }[]; skipped: string[] };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pickup-bench-test-'));
    const json = join(scratch, 'report.json');
    const result = await run(
      process.execPath,
      [
        join(repoRoot, 'bench/index.mjs'),
        '--quick',
        '--scale',
        '0.005',
        '--data',
        join(scratch, 'data'),
        '--json',
        json,
        // this Node only: the suite runs on each Node anyway, and both in one run would double its time
        '--node',
        process.versions.node.split('.')[0]!,
      ],
      {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    table = result.stdout;
    report = JSON.parse(await readFile(json, 'utf8'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('runs every case against its reference and prints the table with the machine it ran on', () => {
    expect(report.skipped).toEqual([]);
    const groups = new Set(report.rows.map((row) => row.group));
    for (const group of groups) {
      const rows = report.rows.filter((row) => row.group === group);
      expect(
        rows.filter((row) => row.reference),
        group,
      ).toHaveLength(1);
      expect(rows.length, group).toBeGreaterThan(1);
    }
    expect([...groups].join('\n')).toMatch(
      /folder source vs tar -czf[\s\S]*folder-split[\s\S]*pickup run[\s\S]*postgres source vs pg_dump -Fc[\s\S]*ftp to vsftpd[\s\S]*startup/,
    );
    expect(table).toMatch(/^Pickup benchmarks: .*Node \d+\.\d+\.\d+, \d+ cores/);
    expect(table).toMatch(/\| pickup --version +\| [\d.]+ /);
  });
});
