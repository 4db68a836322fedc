import type { Outcome } from './schema.js';
import { request } from './http.js';
import { withRetries } from './retry.js';
import type { PingNotifier } from './schema.js';

/** The URL to GET at the start of a run or for its outcome; undefined when the config gives none. */
export function pingUrl(notifier: PingNotifier, event: 'start' | Outcome): string | undefined {
  const base = notifier.url?.replace(/\/+$/, '');
  if (event === 'start') return notifier.start ?? (base && `${base}/start`);
  if (event === 'success') return notifier.success ?? base;
  // A partial backup is a problem to look at: it goes to the failure endpoint.
  return notifier.failure ?? (base && `${base}/fail`);
}

export function sendPing(notifier: PingNotifier, url: string, userAgent: string): Promise<void> {
  return withRetries(notifier, (signal) => request(url, { method: 'GET', headers: { 'user-agent': userAgent }, signal }));
}
