import { describe, expect, it } from 'vitest';
import { composeMail, runMail } from '../src/notify/mail.js';
import type { RunSummary } from '../src/report/summary.js';

const summary: RunSummary = {
  format: 'pickup-run-summary/1',
  outcome: 'partial',
  exitCode: 1,
  exitMeaning: 'some source, target or hook failed, or a source was partial',
  runId: '2026-11-27T021500.000Z',
  host: 'web1',
  config: '/etc/pickup/pickup.config.ts',
  pickupVersion: '0.1.0',
  startedAt: '2026-11-27T02:15:00.000Z',
  finishedAt: '2026-11-27T02:16:00.000Z',
  durationMs: 60_000,
  problems: [],
  sources: [
    {
      name: 'www',
      status: 'partial',
      files: 1,
      bytes: 10,
      durationMs: 1000,
      problems: [`cannot read ${'Ünïcödé/🌉'.repeat(200)}`],
    },
  ],
  targets: [],
};

describe('the mail about a run', () => {
  it('keeps every line within 998 bytes, cut between characters, and loses no character', () => {
    const mail = composeMail(
      { type: 'mail', to: 'root@localhost', sendmail: '/usr/sbin/sendmail', on: ['partial'], retries: 0, timeout: 10 },
      runMail(summary),
    );
    const lines = mail.split('\n');
    expect(Math.max(...lines.map((line) => Buffer.byteLength(line)))).toBeLessThanOrEqual(998);
    expect(mail).not.toContain('\uFFFD');
    const problemLines = lines.slice(lines.findIndex((line) => line.startsWith('- source www: ')));
    const joined = problemLines.slice(0, problemLines.indexOf('')).join('');
    expect(joined).toBe(`- source www: cannot read ${'Ünïcödé/🌉'.repeat(200)}`);
  });

  it('names the recipients in the headers, the outcome in the subject', () => {
    const mail = composeMail(
      {
        type: 'mail',
        to: ['root@localhost', 'ops@example.com'],
        sendmail: '/usr/sbin/sendmail',
        on: ['partial'],
        retries: 0,
        timeout: 10,
      },
      runMail(summary),
    );
    expect(mail).toMatch(/^To: root@localhost, ops@example\.com\nSubject: pickup on web1: backup partly failed\n/);
  });
});
