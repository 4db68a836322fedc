/** Bits of SQL text: quoted names, and statements cut into tokens. */

/** A name as MySQL quotes it: `shop`, `it``s` (never split at dots, unlike mysql2's escapeId). */
export function quoteName(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export interface Token {
  text: string;
  kind: 'space' | 'string' | 'name' | 'word' | 'other';
}

const TOKEN =
  /(\s+)|('(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*")|(`(?:[^`]|``)*`)|([A-Za-z0-9_$]+)|([\s\S])/gy;

/** A statement's tokens; joined again, their texts give the statement back unchanged. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(sql); match; match = TOKEN.exec(sql)) {
    const kind = match[1] ? 'space' : match[2] ? 'string' : match[3] ? 'name' : match[4] ? 'word' : 'other';
    tokens.push({ text: match[0], kind });
  }
  return tokens;
}

/** Whether a token is the keyword `word` (any case). */
export function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === word;
}
