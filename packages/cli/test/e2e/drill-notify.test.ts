import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/http-receiver.js';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

describe('notifications of a drill', () => {
  let project: Project;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      notify: [
        // A webhook as most configs have it: failures, of runs and (by default) of drills.
        { type: 'webhook', url: `${receiver.url}/hook` },
        // A dead-man's switch of its own for the weekly drill.
        { type: 'ping', url: `${receiver.url}/drill-check`, on: ['drill-success', 'drill-failure'] },
      ],
    });
  });
  afterEach(async () => {
    await project.remove();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('a good drill pings its check and stays off the webhook; a failed one pings /fail and posts the drill summary', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    expect(receiver.received).toEqual([]); // the run is of no interest to either
    expect((await pickup(['drill'], { cwd: project.dir })).code).toBe(0);
    expect(receiver.received.map(({ method, url }) => `${method} ${url}`)).toEqual(['GET /drill-check']);

    receiver.received.length = 0;
    const [backup] = await completeBackups(project.path('backups'));
    const archive = project.path('backups', backup!, 'files/files.tar.gz');
    await writeFile(archive, Buffer.concat([await readFile(archive), Buffer.from('x')]));
    const failed = await pickup(['drill'], { cwd: project.dir });
    expect(failed.code).toBe(1);
    const requests = receiver.received.map(({ method, url }) => `${method} ${url}`).sort();
    expect(requests).toEqual(['GET /drill-check/fail', 'POST /hook']);
    const posted = JSON.parse(receiver.received.find((request) => request.method === 'POST')!.body);
    expect(posted).toMatchObject({
      format: 'pickup-drill-summary/1',
      outcome: 'failure',
      exitCode: 1,
      drills: [{ source: 'files', target: 'disk', backup, status: 'failed' }],
    });
    expect(posted.drills[0].problems[0]).toMatch(/is damaged: files\/files\.tar\.gz has \d+ bytes/);
  });

  it("'on' takes the drill events by name, and says which ones there are when given another", async () => {
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      notify: [{ type: 'webhook', url: `${receiver.url}/hook`, on: ['drill'] }],
    });
    const result = await pickup(['drill'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/notify\[0\]\.on\[0\]: .*'drill-success'.*'drill-failure'/);
  });
});
