/** Option names whose values are secrets: never logged, never shown in an error. */
const SECRET_KEY =
  /(password|passphrase|passwd|^pass$|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|^key$|credential|authorization|cookie)/i;
/** `passwordFile`, `keyPath`: these name where a secret is, which is fine to show. */
const SECRET_LOCATION = /(file|path)$/i;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SECRET_LOCATION.test(key);
}

/** Every string value under a secret-named key, anywhere in `value` (a config, a plugin's options). */
export function collectSecrets(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key) && (typeof item === 'string' || typeof item === 'number') && String(item) !== '') {
        found.add(String(item));
      } else collectSecrets(item, found);
    }
  }
  return found;
}

/**
 * Secrets shorter than this are blanked only where they stand alone, not inside a longer word or
 * number: blanking a one-letter password everywhere would blank that letter in every line.
 */
export const SHORT_SECRET = 6;

/**
 * Returns a function that blanks every known secret in a line of text, also in its JSON-escaped form.
 * It runs on every log line, whatever logged it, so a secret that slips into a message is still caught.
 */
export function secretScrubber(secrets: Iterable<string>): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret)); // as in a connection URL
  }
  const patterns = [...forms]
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((form) =>
      form.length < SHORT_SECRET ? `(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])` : escapeRegExp(form),
    );
  if (patterns.length === 0) return (line) => line;
  const regex = new RegExp(patterns.join('|'), 'g');
  return (line) => line.replace(regex, REDACTED);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `value` with every known secret blanked in every string it holds (a document that leaves the machine:
 * a summary, a report). String by string: a secret made of digits must not touch the numbers, nor the
 * JSON around them.
 */
export function scrubStrings<T>(value: T, secrets: Iterable<string>): T {
  const scrub = secretScrubber(secrets);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return scrub(item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null)
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}
