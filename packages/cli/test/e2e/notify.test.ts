// needs: time
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/http-receiver.js';
import { makeProject, pickup, type Project } from '../helpers/project.js';

describe('notifications', () => {
  let project: Project;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await project?.remove();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  async function setUp(source: Record<string, unknown>, notify: unknown[]): Promise<void> {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
    await project.writeConfig({
      sources: [source],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      notify,
    });
  }

  const folder = { name: 'docs', use: 'folder', with: { path: './data' } };
  const webhookPosts = () => receiver.received.filter((request) => request.url.startsWith('/hook'));
  const pings = () =>
    receiver.received
      .filter((request) => request.url.startsWith('/ping'))
      .map((request) => `${request.method} ${request.url}`);

  it('a success pings start and success; a webhook that asks only for problems hears nothing', async () => {
    await setUp(folder, [
      { type: 'ping', url: `${receiver.url}/ping/abc-123` },
      { type: 'webhook', url: `${receiver.url}/hook` },
    ]);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(pings()).toEqual(['GET /ping/abc-123/start', 'GET /ping/abc-123']);
    expect(webhookPosts()).toEqual([]);
  });

  it('a partial run: the webhook gets the JSON summary with its headers, the ping goes to fail', async () => {
    await setUp({ name: 'db', use: 'fixture', with: { warn: 'table t skipped' } }, [
      { type: 'ping', url: `${receiver.url}/ping/abc-123` },
      {
        type: 'webhook',
        url: `${receiver.url}/hook?token=query-secret`,
        headers: { Authorization: 'Bearer header-secret' },
      },
    ]);
    const result = await pickup(['--verbose'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(pings()).toEqual(['GET /ping/abc-123/start', 'GET /ping/abc-123/fail']);
    const [post] = webhookPosts();
    expect(post).toMatchObject({ method: 'POST', url: '/hook?token=query-secret' });
    expect(post!.headers['content-type']).toBe('application/json');
    expect(post!.headers.authorization).toBe('Bearer header-secret');
    expect(JSON.parse(post!.body)).toMatchObject({
      format: 'pickup-run-summary/1',
      outcome: 'partial',
      exitCode: 1,
      sources: [{ name: 'db', status: 'partial', problems: ['table t skipped'] }],
    });
    const log = await readFile(project.path('logs/current.log'), 'utf8');
    for (const text of [result.stdout, result.stderr, log]) {
      expect(text).not.toContain('query-secret');
      expect(text).not.toContain('header-secret');
    }
  });

  it('a run that fails as a whole, even before it starts, is reported as a failure', async () => {
    await setUp({ name: 'db', use: 'fixture', with: { fail: 'connection refused' } }, [
      { type: 'ping', url: `${receiver.url}/ping/abc-123` },
      { type: 'webhook', url: `${receiver.url}/hook`, on: ['failure'] },
    ]);
    const failed = await pickup([], { cwd: project.dir });
    expect(failed.code).toBe(1);
    expect(pings()).toEqual(['GET /ping/abc-123/start', 'GET /ping/abc-123/fail']);
    expect(JSON.parse(webhookPosts()[0]!.body)).toMatchObject({
      outcome: 'failure',
      targets: [{ name: 'usb', status: 'skipped' }],
    });

    // A plugin gone after an upgrade: the config still says whom to tell.
    receiver.received.length = 0;
    await project.writeConfig({
      sources: [{ name: 'db', use: 'not-installed' }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups' } }],
      notify: [
        { type: 'webhook', url: `${receiver.url}/hook`, on: ['failure'] },
        { type: 'ping', url: `${receiver.url}/ping/abc-123` },
      ],
    });
    const broken = await pickup([], { cwd: project.dir });
    expect(broken.code).toBe(2);
    expect(pings()).toEqual(['GET /ping/abc-123/fail']);
    expect(JSON.parse(webhookPosts()[0]!.body)).toMatchObject({
      outcome: 'failure',
      exitCode: 2,
      problems: [expect.stringContaining('not-installed')],
    });
  });

  it("a header from the config replaces Pickup's of the same name, whatever its case; a failure-only ping sends no start", async () => {
    await setUp(folder, [
      {
        type: 'webhook',
        url: `${receiver.url}/hook`,
        on: ['success'],
        headers: { 'Content-Type': 'application/vnd.example+json' },
      },
      { type: 'ping', url: `${receiver.url}/ping/abc-123`, on: ['failure', 'partial'] },
    ]);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(webhookPosts()[0]!.headers['content-type']).toBe('application/vnd.example+json');
    expect(pings()).toEqual([]);
  });

  it('a ping URL with a query keeps it after /start and /fail; a URL with a password is refused', async () => {
    await setUp({ name: 'gone', use: 'folder', with: { path: './missing' } }, [
      { type: 'ping', url: `${receiver.url}/ping/web1-backup?create=1` },
    ]);
    expect((await pickup([], { cwd: project.dir })).code).toBe(1);
    expect(pings()).toEqual(['GET /ping/web1-backup/start?create=1', 'GET /ping/web1-backup/fail?create=1']);
    await setUp(folder, [{ type: 'ping', url: 'https://user:pw-in-url@hc-ping.com/x' }]);
    const refused = await pickup([], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/notify\[0\]\.url: no user or password in the URL/);
    expect(refused.stderr).not.toContain('pw-in-url');
  });

  it('a run that finds the lock held pings nothing (the run holding it will); a webhook still hears', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'slow', use: 'fixture', with: { waitFor: './go' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      notify: [
        { type: 'ping', url: `${receiver.url}/ping/abc-123` },
        { type: 'webhook', url: `${receiver.url}/hook`, on: ['failure'] },
      ],
    });
    const first = pickup([], { cwd: project.dir });
    const { existsSync } = await import('node:fs');
    for (let i = 0; i < 400 && !existsSync(project.path('go.waiting')); i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(4);
    await writeFile(project.path('go'), '');
    expect((await first).code).toBe(0);
    expect(pings()).toEqual(['GET /ping/abc-123/start', 'GET /ping/abc-123']);
    expect(JSON.parse(webhookPosts()[0]!.body)).toMatchObject({ outcome: 'failure', exitCode: 4 });
  });

  it('a redirect is not followed (it would take the headers elsewhere): a warning says so', async () => {
    await setUp(folder, [
      { type: 'webhook', url: `${receiver.url}/hook`, on: ['success'], headers: { 'X-Api-Key': 'key-secret' } },
    ]);
    receiver.answers.push(302);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(webhookPosts()).toHaveLength(1);
    expect(result.stderr).toMatch(
      /warning: notify\[0\] webhook 127\.0\.0\.1:\d+: could not notify after 1 try: 127\.0\.0\.1:\d+ answered 302 \(a redirect, not followed\)/,
    );
  });

  it('retries with backoff until the server takes it', async () => {
    await setUp(folder, [{ type: 'webhook', url: `${receiver.url}/hook`, on: ['success'], retries: 3 }]);
    receiver.answers.push(503, 500);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(webhookPosts()).toHaveLength(3);
    expect(result.stderr).toBe('');
  });

  it('a notification that cannot be delivered is a warning; the run keeps its outcome', async () => {
    const closed = await startReceiver(); // a port nobody listens on any more
    await new Promise((resolve) => closed.server.close(resolve));
    await setUp(folder, [
      { type: 'webhook', url: `${closed.url}/hook/secret-path`, on: ['success'], retries: 1 },
      { type: 'ping', url: `${receiver.url}/ping/abc-123`, retries: 0 },
    ]);
    receiver.answers.push(200, 404); // start is taken; success is refused
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^\S+ warning: notify\[0\] webhook 127\.0\.0\.1:\d+: could not notify after 2 tries: 127\.0\.0\.1:\d+: .*ECONNREFUSED/m,
    );
    expect(result.stderr).toMatch(
      /^\S+ warning: notify\[1\] ping 127\.0\.0\.1:\d+ \(success\): could not notify after 1 try: 127\.0\.0\.1:\d+ answered 404 Not Found$/m,
    );
    expect(result.stderr).not.toContain('secret-path');
  });

  it('mails through the local sendmail, recipients in the headers, the summary in the body', async () => {
    project = await makeProject();
    // No mail server runs here: this sendmail keeps what it is given, as an MTA's queue would.
    const sendmail = project.path('sendmail');
    await writeFile(
      sendmail,
      '#!/bin/sh\necho "$@" > "$(dirname "$0")/sendmail.args"\ncat > "$(dirname "$0")/sendmail.message"\n',
    );
    await chmod(sendmail, 0o755);
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
    await project.writeConfig({
      sources: [folder, { name: 'gone', use: 'folder', with: { path: './missing' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      notify: [{ type: 'mail', to: ['root@localhost', 'ops@example.com'], from: 'backup@web1.example.com', sendmail }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(await readFile(project.path('sendmail.args'), 'utf8')).toBe('-t -i\n');
    const message = await readFile(project.path('sendmail.message'), 'utf8');
    const head = message.slice(0, message.indexOf('\n\n'));
    const body = message.slice(head.length + 2);
    expect(head).toMatch(
      /^From: backup@web1\.example\.com\nTo: root@localhost, ops@example\.com\nSubject: pickup on \S+: backup partly failed\n/,
    );
    expect(head).toContain('Content-Type: text/plain; charset=utf-8');
    expect(message).not.toContain('\r'); // sendmail takes LF lines and makes them CRLF itself
    expect(body).toMatch(/^backup \S+ on \S+: partial, in /);
    expect(body).toMatch(/^- source gone: .*sources\[1\]\.with\.path: .*missing does not exist/m);

    // A sendmail that fails: a warning with its message, the exit code unchanged.
    await writeFile(sendmail, '#!/bin/sh\necho "sendmail: cannot connect to relay" >&2\nexit 75\n');
    const failing = await pickup([], { cwd: project.dir });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(
      /warning: notify\[0\] mail to root@localhost, ops@example\.com: could not notify after 4 tries: .*sendmail exited with code 75: sendmail: cannot connect to relay$/m,
    );

    // A sendmail stopped at its timeout may have queued the mail: it is not tried again.
    await writeFile(sendmail, '#!/bin/sh\ncat > /dev/null\nsleep 30 &\nwait\n');
    await project.writeConfig({
      sources: [folder],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      notify: [{ type: 'mail', to: 'root@localhost', sendmail, on: ['success'], timeout: 1 }],
    });
    const started = Date.now();
    const slow = await pickup([], { cwd: project.dir });
    expect(slow.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(slow.stderr).toMatch(
      /warning: notify\[0\] mail to root@localhost: could not notify after 1 try: .*sendmail did not finish in time; not tried again, the mail may still arrive$/m,
    );
  }, 60_000);

  it('pickup check names each notifier without sending anything, and finds a missing sendmail', async () => {
    await setUp(folder, [
      { type: 'webhook', url: `${receiver.url}/hook` },
      { type: 'mail', to: 'root@localhost', sendmail: '/nonexistent/sendmail' },
    ]);
    const result = await pickup(['check'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^\S+ ok: notify\[0\] webhook: 127\.0\.0\.1:\d+ \(not contacted\), on failure, partial, drill-failure$/m,
    );
    expect(result.stderr).toMatch(
      /^\S+ error: notify\[1\] mail: \/nonexistent\/sendmail is missing or not executable: install an MTA/m,
    );
    expect(receiver.received).toEqual([]);
  });

  it('a bad notification in the config is a config error naming the field (exit 2)', async () => {
    await setUp(folder, [
      { type: 'webhook', url: 'ftp://example.com' },
      { type: 'mail', to: 'root', sendmail: 'sendmail' },
      { type: 'pager' },
      { type: 'ping', success: 'https://example.com/ok' },
      { type: 'webhook', url: 'https://example.com/hook', timeout: 0.5 },
    ]);
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/notify\[0\]\.url: an http:\/\/ or https:\/\/ URL/);
    expect(result.stderr).toMatch(/notify\[1\]\.to: /);
    expect(result.stderr).toMatch(/notify\[1\]\.sendmail: the absolute path of the sendmail program/);
    expect(result.stderr).toMatch(/notify\[2\]\.type: /);
    expect(result.stderr).toMatch(
      /notify\[3\]\.failure: give url, or a failure URL for the events in 'on' \(partial and the failures go there\)/,
    );
    expect(result.stderr).toMatch(/notify\[4\]\.timeout: /);
  });
});
