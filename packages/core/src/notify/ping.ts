import { isGoodNews, type NotifyEvent } from '../config/notify-schema.js';
import { request } from './http.js';
import { withRetries } from './retry.js';
import type { PingNotifier } from '../config/notify-schema.js';

/** The URL to GET at the start of a run or for an event; undefined when the config gives none. */
export function pingUrl(notifier: PingNotifier, event: 'start' | NotifyEvent): string | undefined {
  if (event === 'start') return notifier.start ?? withPath(notifier.url, '/start');
  if (isGoodNews(event)) return notifier.success ?? notifier.url;
  // A partial backup is a problem to look at: it goes to the failure endpoint.
  return notifier.failure ?? withPath(notifier.url, '/fail');
}

/** `url` with `suffix` added to its path, its query kept after it (`.../slug/fail?create=1`). */
function withPath(url: string | undefined, suffix: string): string | undefined {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}${suffix}`;
  return parsed.toString();
}

export function sendPing(notifier: PingNotifier, url: string, userAgent: string): Promise<void> {
  return withRetries(notifier, (signal) =>
    request(url, { method: 'GET', headers: { 'user-agent': userAgent }, signal }),
  );
}
