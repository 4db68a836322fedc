import { Transform, type TransformCallback } from 'node:stream';

/**
 * Follows the SQL text of a mariadb-dump or mysqldump as it streams, byte by byte, keeping only its state
 * between chunks: the tables it creates (lines `CREATE TABLE \`name\` (`) and the rows it inserts into each
 * (the top-level tuples of `INSERT INTO \`name\` VALUES (...),(...);`, on one line or many). In an INSERT,
 * quoted strings (backslash escapes, `''`) and quoted names are skipped, so a `(`, `'` or `;` in a value never
 * counts. What lies between `DELIMITER ;;` and `DELIMITER ;` (routines, triggers, events) is not a table's.
 */
export class DumpScanner {
  /** Rows per table, tables in the order the dump creates them. */
  readonly tables = new Map<string, number>();
  private state = HEAD;
  /** The start of the current line, while it is undecided (at most HEAD_MAX bytes). */
  private readonly head = Buffer.alloc(HEAD_MAX);
  private headLength = 0;
  /** Inside `DELIMITER ;;` ... `DELIMITER ;`: the bodies of routines, triggers and events. */
  private inRoutines = false;
  // The INSERT statement being read.
  private table = '';
  private rows = 0;
  private depth = 0;
  /** The quote character of the string or name being read; 0 outside. */
  private quote = 0;
  private escaped = false;
  /** Before the VALUES keyword: a group there is the column list (`--complete-insert`), not a row. */
  private beforeValues = true;

  /** `onLine` sees every top-level line that is not an INSERT, outside routines; it may throw to stop the scan. */
  constructor(private readonly onLine?: (line: string) => void) {}

  /** The bytes at the end of the text scanned so far that start a line not decided yet. */
  get undecided(): number {
    return this.state === HEAD ? this.headLength : 0;
  }

  scan(chunk: Buffer): void {
    const end = chunk.length;
    let at = 0;
    while (at < end) {
      if (this.state === SKIP_LINE) {
        const newline = chunk.indexOf(NEWLINE, at);
        if (newline === -1) return;
        this.state = HEAD;
        at = newline + 1;
      } else if (this.state === HEAD) {
        at = this.scanHead(chunk, at);
      } else {
        at = this.scanInsert(chunk, at);
      }
    }
  }

  /** At the end of the text: false when it ends inside an INSERT statement (the counts would be wrong). */
  finish(): boolean {
    if (this.state === HEAD && this.headLength > 0) this.endLine();
    return this.state !== INSERT;
  }

  private scanHead(chunk: Buffer, from: number): number {
    for (let at = from; at < chunk.length; at++) {
      const byte = chunk[at]!;
      if (byte === NEWLINE) {
        this.endLine();
        return at + 1;
      }
      if (this.headLength === 0 && !MAY_START[byte]) {
        this.state = SKIP_LINE; // a comment, a column of a CREATE TABLE...: nothing to look at
        return at;
      }
      if (this.headLength === HEAD_MAX) {
        this.endLine();
        this.state = SKIP_LINE;
        return at;
      }
      this.head[this.headLength++] = byte;
      // The end of a quoted name after INSERT INTO: one backtick, then anything but another.
      if (
        byte !== BACKTICK &&
        this.head[this.headLength - 2] === BACKTICK &&
        INSERT_FIRST[this.head[0]!] &&
        !this.inRoutines
      ) {
        const insert = INSERT_START.exec(this.head.toString('latin1', 0, this.headLength));
        if (insert) {
          this.startInsert(unquote(Buffer.from(insert[1]!, 'latin1').toString('utf8')));
          return at; // the byte after the name belongs to the statement
        }
      }
    }
    return chunk.length;
  }

  private endLine(): void {
    const line = this.head.toString('utf8', 0, this.headLength);
    this.headLength = 0;
    if (line.startsWith('DELIMITER ')) {
      this.inRoutines = line.trim() !== 'DELIMITER ;';
      return;
    }
    if (this.inRoutines) return;
    const create = CREATE_TABLE.exec(line);
    if (create) {
      const name = unquote(create[1]!);
      if (!this.tables.has(name)) this.tables.set(name, 0);
    }
    this.onLine?.(line);
  }

  private startInsert(table: string): void {
    this.state = INSERT;
    this.headLength = 0;
    this.table = table;
    this.rows = 0;
    this.depth = 0;
    this.quote = 0;
    this.escaped = false;
    this.beforeValues = true;
  }

  private scanInsert(chunk: Buffer, from: number): number {
    let { depth, quote, escaped, rows, beforeValues } = this;
    let at = from;
    for (; at < chunk.length; at++) {
      const byte = chunk[at]!;
      if (quote !== 0) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH && quote !== BACKTICK) escaped = true;
        else if (byte === quote) quote = 0;
        continue;
      }
      if (byte === APOSTROPHE || byte === DOUBLE_QUOTE || byte === BACKTICK) {
        quote = byte;
      } else if (byte === OPEN) {
        if (depth === 0 && !beforeValues) rows++;
        depth++;
      } else if (byte === CLOSE) {
        depth--;
      } else if (depth === 0) {
        if (byte === SEMICOLON) {
          this.tables.set(this.table, (this.tables.get(this.table) ?? 0) + rows);
          this.state = SKIP_LINE;
          return at + 1;
        }
        if (byte === UPPER_V || byte === LOWER_V) beforeValues = false;
      }
    }
    Object.assign(this, { depth, quote, escaped, rows, beforeValues });
    return at;
  }
}

/** Passes a dump on unchanged, counting its tables and rows on the way (see `DumpScanner`). */
export function countingStream(): { stream: Transform; counts(): Map<string, number> | undefined } {
  const scanner = new DumpScanner();
  let whole = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      scanner.scan(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      whole = scanner.finish();
      done();
    },
  });
  return { stream, counts: () => (whole ? scanner.tables : undefined) };
}

/**
 * Passes a dump on, failing before any top-level line for which `refuse` gives a reason reaches the next
 * stream (the start of each line is held until it is decided: at most HEAD_MAX bytes); `refusal` is that reason.
 */
export function lineGuard(refuse: (line: string) => string | undefined): {
  stream: Transform;
  refusal(): string | undefined;
} {
  let refusal: string | undefined;
  const scanner = new DumpScanner((line) => {
    refusal = refuse(line);
    if (refusal !== undefined) throw new Error(refusal);
  });
  let held = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      try {
        scanner.scan(chunk);
      } catch (error) {
        done(error as Error);
        return;
      }
      const keep = scanner.undecided;
      if (keep <= chunk.length) {
        if (held.length > 0) this.push(held);
        this.push(chunk.subarray(0, chunk.length - keep));
        held = Buffer.from(chunk.subarray(chunk.length - keep));
      } else {
        held = Buffer.concat([held, chunk]);
      }
      done();
    },
    flush(done: TransformCallback) {
      try {
        scanner.finish();
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, held);
    },
  });
  return { stream, refusal: () => refusal };
}

const HEAD = 0;
const SKIP_LINE = 1;
const INSERT = 2;

/** Long enough for any statement's start and a quoted name (64 characters, each up to 4 bytes, doubled). */
const HEAD_MAX = 1024;

const NEWLINE = 0x0a;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const APOSTROPHE = 0x27;
const DOUBLE_QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const SEMICOLON = 0x3b;
const UPPER_V = 0x56;
const LOWER_V = 0x76;

/** The first bytes of the lines worth a look: CREATE, INSERT, REPLACE, DELIMITER, and any statement `onLine` may refuse. */
const MAY_START = Array.from({ length: 256 }, (_, byte) => /[A-Za-z/]/.test(String.fromCharCode(byte)));

/** I of INSERT, R of REPLACE. */
const INSERT_FIRST = Array.from({ length: 256 }, (_, byte) => byte === 0x49 || byte === 0x52);

const NAME = '`((?:[^`]|``)+)`';
const INSERT_START = new RegExp(`^(?:INSERT(?: IGNORE| DELAYED)? INTO|REPLACE INTO) ${NAME}[^\`]$`);
const CREATE_TABLE = new RegExp(`^CREATE (?:OR REPLACE )?TABLE (?:IF NOT EXISTS )?${NAME}`);

/** A quoted name's text as the name: backticks undoubled. */
function unquote(text: string): string {
  return text.replaceAll('``', '`');
}
