import { ExitCode, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { RunSummary } from '../report/summary.js';
import { hostOf } from './http.js';
import { recipientsOf, runMail, sendMail, type MailContent } from './mail.js';
import { pingUrl, sendPing } from './ping.js';
import { DeliveryError } from './retry.js';
import type { Notifier, NotifyEvent } from '../config/notify-schema.js';
import { sendWebhook } from './webhook.js';

/**
 * Tells the ping services that a run starts. Like every notification, a failure is a warning: it
 * never changes how the run goes or its exit code.
 */
export async function notifyStart(notifiers: readonly Notifier[], log: Logger, userAgent: string): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier, index) => {
      // A start ping belongs to tracking every run: not for a ping that only reports problems.
      if (notifier.type !== 'ping' || !notifier.on.includes('success')) return;
      const url = pingUrl(notifier, 'start');
      // One try: the run does not wait on it, and the outcome's ping follows anyway.
      if (url)
        await deliver(log, `notify[${index}] ping ${hostOf(url)} (start)`, () =>
          sendPing({ ...notifier, retries: 0 }, url, userAgent),
        );
    }),
  );
}

/** Something to tell the notifiers whose `on` lists its event: a run's end, a drill's. */
export interface Notice {
  event: NotifyEvent;
  /** What a webhook POSTs: the summary `--json` prints. */
  document: object;
  mail: MailContent;
  /** Another process held the lock: no run of its own, so no ping (the one holding it pings). */
  lockedOut: boolean;
}

/** Sends the run's outcome to every notifier whose `on` lists it. Never throws. */
export function notifyEnd(
  notifiers: readonly Notifier[],
  summary: RunSummary,
  log: Logger,
  userAgent: string,
): Promise<void> {
  return notify(
    notifiers,
    {
      event: summary.outcome,
      document: summary,
      mail: runMail(summary),
      lockedOut: summary.exitCode === ExitCode.locked,
    },
    log,
    userAgent,
  );
}

/** Sends a notice to every notifier whose `on` lists its event. Never throws. */
export async function notify(
  notifiers: readonly Notifier[],
  notice: Notice,
  log: Logger,
  userAgent: string,
): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier, index) => {
      if (!notifier.on.includes(notice.event)) return;
      // A command that found another one holding the lock did nothing of its own: the one holding it
      // pings. Its failure would mark a healthy night as down until then (webhooks and mail still hear).
      if (notifier.type === 'ping' && notice.lockedOut) return;
      const where = `notify[${index}]`;
      if (notifier.type === 'webhook') {
        await deliver(log, `${where} webhook ${hostOf(notifier.url)}`, () =>
          sendWebhook(notifier, notice.document, userAgent),
        );
      } else if (notifier.type === 'ping') {
        const url = pingUrl(notifier, notice.event);
        if (url)
          await deliver(log, `${where} ping ${hostOf(url)} (${notice.event})`, () =>
            sendPing(notifier, url, userAgent),
          );
      } else {
        await deliver(log, `${where} mail to ${recipientsOf(notifier).join(', ')}`, () =>
          sendMail(notifier, notice.mail),
        );
      }
    }),
  );
}

async function deliver(log: Logger, what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
    log.debug(`${what}: sent`);
  } catch (error) {
    const tries = error instanceof DeliveryError ? error.tries : 1;
    log.warn(`${what}: could not notify after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${messageOf(error)}`);
  }
}
