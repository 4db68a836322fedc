import { spawn } from 'node:child_process';
import { AbortError } from 'p-retry';
import { failureMessage, howItEnded, OutputTail } from '../process/child-result.js';
import { formatSummary } from '../report/format.js';
import type { RunSummary } from '../report/summary.js';
import { withRetries } from './retry.js';
import type { MailNotifier } from '../config/notify-schema.js';

/** What a mail says: its subject (after `pickup on HOST: `), the summary as text, and the problems listed. */
export interface MailContent {
  host: string;
  subject: string;
  text: string;
  problems: string[];
  config: string;
  pickupVersion: string;
}

/** Hands a mail to the local sendmail (`-t`: recipients from the headers, never from argv). */
export function sendMail(notifier: MailNotifier, content: MailContent): Promise<void> {
  const message = composeMail(notifier, content);
  return withRetries(notifier, (signal) => runSendmail(notifier.sendmail, message, signal));
}

/** A run's mail: how it went, its tables, every problem of a source, a target or the run. */
export function runMail(summary: RunSummary): MailContent {
  const how = summary.outcome === 'success' ? 'succeeded' : summary.outcome === 'partial' ? 'partly failed' : 'failed';
  return {
    host: summary.host,
    subject: `backup ${how}`,
    text: formatSummary(summary),
    problems: [
      ...summary.sources.flatMap((source) => source.problems.map((problem) => `source ${source.name}: ${problem}`)),
      ...summary.targets.flatMap((target) => target.problems.map((problem) => `target ${target.name}: ${problem}`)),
      ...summary.problems,
    ],
    config: summary.config,
    pickupVersion: summary.pickupVersion,
  };
}

export function composeMail(notifier: MailNotifier, content: MailContent): string {
  const to = recipientsOf(notifier);
  const headers = [
    ...(notifier.from ? [`From: ${notifier.from}`] : []),
    `To: ${to.join(', ')}`,
    `Subject: pickup on ${content.host}: ${content.subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'Auto-Submitted: auto-generated', // RFC 3834: no vacation replies to a machine
  ];
  const { problems } = content;
  const body = [
    content.text,
    ...(problems.length > 0 ? ['Problems:', ...problems.map((problem) => `- ${problem}`), ''] : []),
    `Config: ${content.config}`,
    `Pickup ${content.pickupVersion}; the debug log is in the config's log folder.`,
  ];
  // Local submission: sendmail takes lines ending in LF and turns them into CRLF itself.
  return `${headers.join('\n')}\n\n${wrapLongLines(body.join('\n'))}\n`;
}

export function recipientsOf(notifier: MailNotifier): string[] {
  return [notifier.to].flat();
}

/** Mail lines may not pass 998 bytes (RFC 5322): a long problem or path is cut in pieces, between characters. */
function wrapLongLines(text: string): string {
  const MAX_BYTES = 990;
  const pieces: string[] = [];
  for (const line of text.split('\n')) {
    let piece = '';
    let bytes = 0;
    for (const character of line) {
      const size = Buffer.byteLength(character);
      if (bytes + size > MAX_BYTES) {
        pieces.push(piece);
        piece = '';
        bytes = 0;
      }
      piece += character;
      bytes += size;
    }
    pieces.push(piece);
  }
  return pieces.join('\n');
}

function runSendmail(program: string, message: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['-t', '-i'], { stdio: ['pipe', 'ignore', 'pipe'], signal });
    const stderr = new OutputTail(2000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.add(chunk));
    child.stdin!.on('error', () => {}); // its exit code says what went wrong
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) return; // killed at its timeout: 'close' says so
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${program} not found: install an MTA (postfix, exim4, msmtp-mta) or set "sendmail"`
            : `${program}: ${error.message}`,
        ),
      );
    });
    // Stopped at its timeout, it may have queued the mail already: trying again could send it twice.
    // Said at its exit, not once its output closes (a process it started may hold that open).
    child.once('exit', () => {
      if (signal.aborted)
        reject(new AbortError(`${program} did not finish in time; not tried again, the mail may still arrive`));
    });
    child.once('close', (code, killed) => {
      if (code === 0) resolve();
      else reject(new Error(failureMessage(program, howItEnded({ code, signal: killed }), stderr.lastLines(1)[0])));
    });
    child.stdin!.end(message);
  });
}
