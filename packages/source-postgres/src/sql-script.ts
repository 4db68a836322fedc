/** A piece of a psql script: an SQL statement, a psql meta-command line, or what lies between (spaces, comments). */
export interface ScriptPiece {
  kind: 'sql' | 'meta' | 'text';
  text: string;
}

/**
 * Cuts a psql script (as pg_restore writes it) into pieces that join back into the same text. A
 * statement ends at a `;` outside quotes, so a string literal or a quoted name spanning lines, or
 * holding a `;`, stays inside its statement; a meta-command (`\connect ...`) is one line.
 */
export function splitScript(script: string): ScriptPiece[] {
  const pieces: ScriptPiece[] = [];
  let at = 0;
  while (at < script.length) {
    const start = at;
    if (/\s/.test(script[at]!)) {
      while (at < script.length && /\s/.test(script[at]!)) at++;
      pieces.push({ kind: 'text', text: script.slice(start, at) });
    } else if (script.startsWith('--', at)) {
      at = lineEnd(script, at);
      pieces.push({ kind: 'text', text: script.slice(start, at) });
    } else if (script[at] === '\\') {
      at = lineEnd(script, at);
      pieces.push({ kind: 'meta', text: script.slice(start, at) });
    } else {
      at = statementEnd(script, at);
      pieces.push({ kind: 'sql', text: script.slice(start, at) });
    }
  }
  return pieces;
}

/** Where the line that `at` is on ends (before its line break). */
function lineEnd(script: string, at: number): number {
  const end = script.indexOf('\n', at);
  return end === -1 ? script.length : end;
}

/** Just past the `;` that ends the statement starting at `at`, quotes and comments skipped. */
function statementEnd(script: string, at: number): number {
  let quote: string | undefined;
  for (let i = at; i < script.length; i++) {
    const char = script[i]!;
    if (quote) {
      if (char === quote) quote = undefined; // a doubled quote closes and reopens: same result
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '-' && script[i + 1] === '-') {
      i = lineEnd(script, i) - 1;
    } else if (char === ';') {
      return i + 1;
    }
  }
  return script.length;
}
