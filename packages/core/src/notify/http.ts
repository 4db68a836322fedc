import { AbortError } from 'p-retry';
import { messageOf } from '../errors.js';

/** `https://hc-ping.com/...` → `hc-ping.com`: what logs say of a URL, whose path or query may hold a token. */
export function hostOf(url: string): string {
  return new URL(url).host;
}

/** Sends one request; rejects unless the answer is 2xx. Errors name the host only, never the URL. */
export async function request(url: string, init: RequestInit & { signal: AbortSignal }): Promise<void> {
  let response: Response;
  try {
    // Not followed: a redirect would take the config's headers (tokens) to another host, and turn a POST
    // into a GET that says nothing.
    response = await fetch(url, { redirect: 'manual', ...init });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    // An error's text may quote the URL, whose path or query may be a secret: only the host is shown.
    const why = init.signal.aborted ? 'no answer in time' : messageOf(cause ?? error).replaceAll(url, hostOf(url));
    throw new Error(`${hostOf(url)}: ${why}`);
  }
  await response.body?.cancel(); // the answer's body is not needed; free the connection
  if (response.status >= 300 && response.status < 400) {
    // The same answer every time: not worth trying again.
    throw new AbortError(
      `${hostOf(url)} answered ${response.status} (a redirect, not followed): give the URL it redirects to`,
    );
  }
  if (!response.ok) throw new Error(`${hostOf(url)} answered ${response.status} ${response.statusText}`.trim());
}
