import { isWord, tokenize, type Token } from './sql-text.js';

/**
 * Taking the password hashes and authentication strings out of the statements SHOW CREATE USER and
 * SHOW GRANTS write: MariaDB's `IDENTIFIED BY PASSWORD '*...'` and `IDENTIFIED VIA plugin USING '...'
 * OR plugin`, MySQL's `IDENTIFIED WITH 'plugin' AS '...'` (`AND IDENTIFIED WITH ...` for more factors).
 */

interface Clause {
  /** Token indexes: from IDENTIFIED to the end of its last value. */
  start: number;
  end: number;
  /** VIA or WITH, as written; none for BY. */
  keyword?: string | undefined;
  ways: { plugin?: string | undefined; secret: boolean }[];
  /** MySQL's multi-factor authentication: every way is needed, not any one. */
  allNeeded: boolean;
}

export interface WithoutSecrets {
  statement: string;
  /** Something was left out. */
  leftOut: boolean;
  /** No way to log in is left: without a lock the account would take an empty password. */
  mustLock: boolean;
}

/** A CREATE USER statement without secrets; the ways to log in that need none (`unix_socket`) stay. */
export function createWithoutSecrets(statement: string): WithoutSecrets {
  const tokens = tokenize(statement);
  const clause = findClause(tokens);
  if (!clause || clause.ways.every((way) => !way.secret)) return { statement, leftOut: false, mustLock: false };
  const kept = clause.allNeeded ? [] : clause.ways.filter((way) => !way.secret);
  const identified =
    kept.length > 0 ? ` IDENTIFIED ${clause.keyword} ${kept.map((way) => way.plugin).join(' OR ')}` : '';
  return { statement: splice(tokens, clause, identified), leftOut: true, mustLock: kept.length === 0 };
}

/** A GRANT statement without its IDENTIFIED clause (the CREATE USER before it says how to log in). */
export function grantWithoutSecrets(statement: string): string {
  const tokens = tokenize(statement);
  const clause = findClause(tokens);
  return clause ? splice(tokens, clause, '') : statement;
}

/** The statement with `ACCOUNT LOCK` (in place of MySQL's `ACCOUNT UNLOCK`, or added). */
export function withAccountLock(statement: string): string {
  const tokens = tokenize(statement);
  const words = tokens.map((token, index) => ({ token, index })).filter(({ token }) => token.kind !== 'space');
  const lockWord = (i: number) => isWord(words[i]?.token, 'LOCK') || isWord(words[i]?.token, 'UNLOCK');
  const at = words.findIndex(({ token }, i) => isWord(token, 'ACCOUNT') && lockWord(i + 1));
  if (at < 0) return `${statement} ACCOUNT LOCK`;
  tokens[words[at + 1]!.index] = { text: 'LOCK', kind: 'word' };
  return tokens.map((token) => token.text).join('');
}

function splice(tokens: Token[], clause: Clause, replacement: string): string {
  const text = (from: number, to?: number) =>
    tokens
      .slice(from, to)
      .map((token) => token.text)
      .join('');
  return `${text(0, clause.start).trimEnd()}${replacement}${text(clause.end)}`;
}

/** A clause that cannot be read whole: its secret might stay, so the statement is refused. */
export class UnreadableClause extends Error {
  override readonly name = 'UnreadableClause';
}

function findClause(tokens: Token[]): Clause | undefined {
  const start = tokens.findIndex((token) => isWord(token, 'IDENTIFIED'));
  if (start < 0) return undefined;
  const next = (index: number) => {
    let at = index + 1;
    while (tokens[at]?.kind === 'space') at++;
    return at;
  };
  const value = (index: number) => {
    const token = tokens[index];
    if (token?.kind === 'string' || (token?.kind === 'word' && /^0x[0-9a-f]*$/i.test(token.text)))
      return token.text !== "''" && token.text !== '0x';
    throw new UnreadableClause('its IDENTIFIED clause has a form pickup does not know');
  };
  let at = next(start);
  if (isWord(tokens[at], 'BY')) {
    at = next(at);
    if (isWord(tokens[at], 'PASSWORD')) at = next(at);
    return { start, end: at + 1, ways: [{ secret: value(at) }], allNeeded: false };
  }
  const keyword = tokens[at]?.text;
  if (!isWord(tokens[at], 'VIA') && !isWord(tokens[at], 'WITH'))
    throw new UnreadableClause('its IDENTIFIED clause has a form pickup does not know');
  const ways: Clause['ways'] = [];
  let allNeeded = false;
  for (at = next(at); ; ) {
    const plugin = tokens[at];
    if (!plugin || plugin.kind === 'space' || plugin.kind === 'other')
      throw new UnreadableClause('its IDENTIFIED clause names no plugin');
    let end = at + 1;
    let secret = false;
    let after = next(at);
    if (isWord(tokens[after], 'USING') || isWord(tokens[after], 'AS')) {
      secret = value(next(after));
      end = next(after) + 1;
      after = next(next(after));
    }
    ways.push({ plugin: plugin.text, secret });
    if (isWord(tokens[after], 'OR')) {
      at = next(after);
    } else if (
      isWord(tokens[after], 'AND') &&
      isWord(tokens[next(after)], 'IDENTIFIED') &&
      isWord(tokens[next(next(after))], 'WITH')
    ) {
      allNeeded = true;
      at = next(next(next(after)));
    } else {
      return { start, end, keyword, ways, allNeeded };
    }
  }
}
