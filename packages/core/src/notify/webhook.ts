import type { RunSummary } from '../report/summary.js';
import { request } from './http.js';
import { withRetries } from './retry.js';
import type { WebhookNotifier } from './schema.js';

/** POSTs the run summary as JSON. */
export function sendWebhook(notifier: WebhookNotifier, summary: RunSummary, userAgent: string): Promise<void> {
  const body = JSON.stringify(summary);
  return withRetries(notifier, (signal) =>
    request(notifier.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...notifier.headers },
      body,
      signal,
    }),
  );
}
