// needs: time
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath, makeProject, pickup, type Project } from '../helpers/project.js';
import { writeRandomFile } from '../helpers/tree.js';

/** Runs pickup under a pseudo-terminal (util-linux `script`), as a person at a terminal would; resolves to all it printed. */
function pickupAtTerminal(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, binPath, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ROW = /^(?:\x1b\[[0-9;?]*[A-Za-z])*(source docs|target usb) +(.*?)(?:\x1b\[0K)/gm;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ESCAPE = /\x1b\[/;

describe('progress on a terminal', () => {
  let project: Project;
  afterEach(() => project?.remove());

  async function projectWithData(): Promise<void> {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/big.bin'), 64 * 1024 * 1024);
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  }

  it('draws a line per source and target under a terminal, ending with what each did', async () => {
    await projectWithData();
    const { code, output } = await pickupAtTerminal([], project.dir);
    expect(code).toBe(0);
    const rows = [...output.matchAll(ROW)].map((match) => `${match[1]} ${match[2]}`);
    // While the source runs: what it has read so far, and the target waiting for it.
    expect(rows).toContainEqual(expect.stringMatching(/^source docs [\d,]+ files?, [\d.]+ [kM]?B read/));
    expect(rows).toContainEqual('target usb waiting');
    const last = (name: string) => rows.filter((row) => row.startsWith(name)).at(-1);
    expect(last('source docs')).toMatch(/done {2}1 file, 6\d(\.\d)? MB read .* in [\d.]+ s$/);
    expect(last('target usb')).toMatch(/done {2}1\/1 files, 6\d(\.\d)? MB of 6\d(\.\d)? MB sent .* in [\d.]+ s$/);
    expect(output).toMatch(/: success, in /); // the summary follows the display
  });

  it('draws nothing when piped (cron), nor with --no-progress at a terminal', async () => {
    await projectWithData();
    const piped = await pickup([], { cwd: project.dir });
    expect(piped.code).toBe(0);
    expect(piped.stdout + piped.stderr).not.toMatch(ESCAPE);
    expect(piped.stdout + piped.stderr).not.toMatch(/^source docs /m);
    const quietTerminal = await pickupAtTerminal(['--no-progress'], project.dir);
    expect(quietTerminal.code).toBe(0);
    expect(quietTerminal.output).not.toMatch(ESCAPE);
    expect(quietTerminal.output).toMatch(/: success, in /);
  });
});
