import { request } from './http.js';
import { withRetries } from './retry.js';
import type { WebhookNotifier } from '../config/notify-schema.js';

/** POSTs a summary (a run's, a drill's) as JSON. */
export function sendWebhook(notifier: WebhookNotifier, summary: object, userAgent: string): Promise<void> {
  const body = JSON.stringify(summary);
  return withRetries(notifier, (signal) =>
    request(notifier.url, {
      method: 'POST',
      headers: headersOf({ 'content-type': 'application/json', 'user-agent': userAgent }, notifier.headers),
      body,
      signal,
    }),
  );
}

/** Pickup's headers, each replaced by the config's of the same name whatever its case (`Content-Type`). */
function headersOf(defaults: Record<string, string>, fromConfig: Record<string, string>): Headers {
  const headers = new Headers(defaults);
  for (const [name, value] of Object.entries(fromConfig)) headers.set(name, value);
  return headers;
}
