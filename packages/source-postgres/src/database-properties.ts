import { safeFileName } from '@pickup/core/plugin';
import { splitScript } from './sql-script.js';

/**
 * A database's own properties (encoding, locale, owner, settings, grants, comment) as pg_restore
 * prints them for `--create`, rewritten to create another database name with them.
 *
 * Scripts are handled as latin1 strings, one character a byte: pg_restore writes them in the dumped
 * database's encoding, and their bytes must go to psql unchanged.
 */

/** The folder of a backup holding the properties of plain-format dumps; no dump's path has a `/`. */
export const PROPERTIES_DIR = 'properties';

/** `properties/<db>.dump`: the sidecar of a plain dump, a custom-format archive of the database's properties only. */
export function propertiesPath(database: string): string {
  return `${PROPERTIES_DIR}/${safeFileName(database)}.dump`;
}

export function isPropertiesPath(path: string): boolean {
  return path.startsWith(`${PROPERTIES_DIR}/`);
}

/** TOC lines (`pg_restore --create -l`) of the entries that describe the database itself. */
const PROPERTIES_ENTRY = /^\d+; \d+ \d+ (DATABASE - |DATABASE PROPERTIES - |(COMMENT|ACL|SECURITY LABEL) - DATABASE )/;
const DATABASE_ENTRY = /^\d+; \d+ \d+ DATABASE - /;

/** The list (for `pg_restore -L`) of a TOC's database entries; undefined when it has no DATABASE entry (an old sidecar-less plain dump, `pg_dump -n`). */
export function propertiesList(toc: string): string | undefined {
  const lines = toc.split('\n').filter((line) => PROPERTIES_ENTRY.test(line));
  return lines.some((line) => DATABASE_ENTRY.test(line)) ? `${lines.join('\n')}\n` : undefined;
}

/** The script split in two: what creates the database (and sets its owner), and the rest, for after its contents. */
export interface PropertiesScript {
  create: string;
  finish: string;
}

/** A simple SQL name as pg_dump's fmtId writes it: a quoted one, or a plain one. */
const NAME = String.raw`(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")*")`;

/**
 * Rewrites the script pg_restore prints for a database's entries so that it creates and sets up `to`
 * instead of `from`: the name is replaced in exactly the statements and positions pg_dump writes it
 * in, never elsewhere (a comment may well mention the old name). Any other statement or meta-command
 * is refused rather than run against the original database.
 */
export function renameDatabase(script: string, from: string, to: string): PropertiesScript {
  if (/[\r\n]/.test(to))
    throw new Error(`the database name ${JSON.stringify(to)} holds a line break; choose another name`);
  const encoding = /^SET client_encoding = '([A-Za-z0-9_]+)';$/m.exec(script)?.[1] ?? 'UTF8';
  const oldName = alternatives(identifierForms(from, encoding));
  const newName = quoteIdentifier(inEncoding(to, encoding));
  const name = `(?<name>${oldName})`;
  const statements = [
    new RegExp(`^(?<prefix>CREATE DATABASE )${name}(?= WITH |;)`),
    new RegExp(
      `^(?<prefix>ALTER DATABASE )${name}(?= (OWNER TO|SET|RESET|CONNECTION LIMIT|IS_TEMPLATE|ALLOW_CONNECTIONS) )`,
    ),
    new RegExp(`^(?<prefix>ALTER ROLE ${NAME} IN DATABASE )${name}(?= (SET|RESET) )`),
    new RegExp(`^(?<prefix>COMMENT ON DATABASE )${name}(?= IS )`),
    new RegExp(`^(?<prefix>SECURITY LABEL FOR ${NAME} ON DATABASE )${name}(?= IS )`),
    new RegExp(`^(?<prefix>(GRANT|REVOKE) [A-Z ,]+ ON DATABASE )${name}(?= (TO|FROM) )`),
  ];
  const unchanged = /^(SET |RESET |SELECT pg_catalog\.set_config\()/;
  const oldConnects = connectForms(from);
  let creates = 0;
  let split: number | undefined;
  const pieces = splitScript(script).map((piece, index) => {
    if (piece.kind === 'text') return piece.text;
    if (piece.kind === 'meta') {
      if (/^\\(restrict|unrestrict|encoding) /.test(piece.text)) return piece.text;
      if (!oldConnects.includes(piece.text))
        throw new Error(`unexpected psql command in the database's properties: ${piece.text.slice(0, 80)}`);
      split ??= index;
      return psqlConnect(to);
    }
    if (unchanged.test(piece.text)) return piece.text;
    for (const statement of statements) {
      const { prefix, name: found } = statement.exec(piece.text)?.groups ?? {};
      if (prefix === undefined || found === undefined) continue;
      if (statement === statements[0]) creates++;
      return `${prefix}${newName}${piece.text.slice(prefix.length + found.length)}`;
    }
    throw new Error(`unexpected statement in the database's properties: ${piece.text.slice(0, 80)}`);
  });
  if (creates !== 1 || split === undefined)
    throw new Error(`pg_restore printed no CREATE DATABASE ${from} followed by \\connect`);
  return { create: pieces.slice(0, split).join(''), finish: pieces.slice(split).join('') };
}

/** `"a ""b"""`: a name as an SQL identifier, always quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** How fmtId may have written a name: plain if it can be (unless it is a keyword, which we do not know), else quoted. */
function identifierForms(name: string, encoding: string): string[] {
  const bytes = [
    ...new Set([inEncoding(name, 'UTF8'), inEncoding(name, encoding, false)].filter((form) => form !== undefined)),
  ];
  return bytes.flatMap((form) =>
    /^[a-z_][a-z0-9_]*$/.test(form) ? [form, quoteIdentifier(form)] : [quoteIdentifier(form)],
  );
}

/** `\connect` as pg_restore writes it for a database (appendPsqlMetaConnect): the name as the server stores it, UTF-8. */
export function psqlConnect(name: string): string {
  const bytes = inEncoding(name, 'UTF8');
  if (/^[A-Za-z0-9_.]+$/.test(bytes))
    return `\\connect ${/^[a-z_][a-z0-9_]*$/.test(bytes) ? bytes : quoteIdentifier(bytes)}`;
  return `\\connect -reuse-previous=on ${quoteIdentifier(`dbname='${bytes.replace(/['\\]/g, '\\$&')}'`)}`;
}

/** Both ways pg_restore may have written `\connect` to a name (plain, or quoted as a keyword). */
function connectForms(name: string): string[] {
  const bytes = inEncoding(name, 'UTF8');
  return [psqlConnect(name), `\\connect ${quoteIdentifier(bytes)}`];
}

/** A name's bytes in a script of `encoding`, as a latin1 string; with `strict`, a name the encoding cannot hold is an error. */
function inEncoding(name: string, encoding: string, strict?: true): string;
function inEncoding(name: string, encoding: string, strict: false): string | undefined;
function inEncoding(name: string, encoding: string, strict = true): string | undefined {
  const upper = encoding.toUpperCase();
  if (upper === 'UTF8' || upper === 'SQL_ASCII' || /^[\x20-\x7e]*$/.test(name))
    return Buffer.from(name, 'utf8').toString('latin1');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole latin1 range
  if (upper === 'LATIN1' && /^[\x00-\xff]*$/.test(name)) return name;
  if (!strict) return undefined;
  throw new Error(
    `the database name ${name} cannot be written in the dump's encoding ${encoding}; restore into a name of ASCII characters`,
  );
}

function alternatives(forms: string[]): string {
  return forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}
