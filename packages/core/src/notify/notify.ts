import { ExitCode, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { RunSummary } from '../report/summary.js';
import { hostOf } from './http.js';
import { recipientsOf, sendMail } from './mail.js';
import { pingUrl, sendPing } from './ping.js';
import { DeliveryError } from './retry.js';
import type { Notifier } from '../config/notify-schema.js';
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

/** Sends the run's outcome to every notifier whose `on` lists it. Never throws. */
export async function notifyEnd(
  notifiers: readonly Notifier[],
  summary: RunSummary,
  log: Logger,
  userAgent: string,
): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier, index) => {
      if (!notifier.on.includes(summary.outcome)) return;
      // A run that found another one holding the lock is not a run of its own: the one holding it
      // pings. Its failure would mark a healthy night as down until then (webhooks and mail still hear).
      if (notifier.type === 'ping' && summary.exitCode === ExitCode.locked) return;
      const where = `notify[${index}]`;
      if (notifier.type === 'webhook') {
        await deliver(log, `${where} webhook ${hostOf(notifier.url)}`, () => sendWebhook(notifier, summary, userAgent));
      } else if (notifier.type === 'ping') {
        const url = pingUrl(notifier, summary.outcome);
        if (url)
          await deliver(log, `${where} ping ${hostOf(url)} (${summary.outcome})`, () =>
            sendPing(notifier, url, userAgent),
          );
      } else {
        await deliver(log, `${where} mail to ${recipientsOf(notifier).join(', ')}`, () => sendMail(notifier, summary));
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
