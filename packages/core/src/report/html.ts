/** Markup that is already safe: what `html` returns, and the only thing it inserts unescaped. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content and for a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

/**
 * A template of markup whose every inserted value is escaped, unless it is `Html` itself: strings from other
 * machines (host names, errors) can only ever show as text. Arrays are joined; null, undefined and false insert nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += insert(value) + strings[index + 1]!;
  });
  return new Html(text);
}

function insert(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(insert).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** ` data-age-seconds="12"` for `{ ageSeconds: 12 }`: one attribute per value, none for null or undefined. */
export function dataAttributes(values: Record<string, string | number | boolean | null | undefined>): Html {
  const attributes = Object.entries(values).flatMap(([name, value]) =>
    value === null || value === undefined
      ? []
      : [html` data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${String(value)}"`],
  );
  return html`${attributes}`;
}
