import { Transform, type TransformCallback } from 'node:stream';
import { lineGuard } from './dump-scan.js';
import { quoteName } from './sql-text.js';

/** Every scratch database's name: `pickup_drill_` and lowercase letters or digits. */
export const SCRATCH_PREFIX = 'pickup_drill_';
const SCRATCH_NAME = /^pickup_drill_[a-z0-9]+$/;

/** Throws unless `name` is a scratch database's: a drill never creates, fills or drops any other. */
export function assertScratchName(name: string): void {
  if (!SCRATCH_NAME.test(name))
    throw new Error(
      `${JSON.stringify(name)} is not a drill's scratch database (${SCRATCH_PREFIX}...): it is left alone`,
    );
}

/**
 * Top-level statements that act outside the database they are run in: a dump made with `--databases`
 * switches to the original (`USE`), `--system` or `--master-data` change the server's accounts or replication.
 */
const OUTSIDE = new RegExp(
  [
    '^(?:/\\*M?!\\d+\\s*)?', // inside a versioned comment (/*!40000 ...) too
    '(USE\\b|(?:CREATE|DROP|ALTER|RENAME)\\s+(?:DATABASE|SCHEMA|USER|ROLE)\\b|GRANT\\b|REVOKE\\b',
    '|SET\\s+(?:GLOBAL|PASSWORD|DEFAULT\\s+ROLE)\\b|CHANGE\\s+(?:MASTER|REPLICATION)\\b|INSTALL\\b|UNINSTALL\\b)',
  ].join(''),
  'i',
);

/**
 * Passes a dump on to be restored into the scratch database, failing before a statement that would act
 * outside it (the collation switches, rewritten to name the scratch database, pass).
 */
export function scratchGuard(scratch: string): ReturnType<typeof lineGuard> {
  const ownSwitch = `ALTER DATABASE ${quoteName(scratch)} CHARACTER SET `;
  return lineGuard((line) => {
    const statement = OUTSIDE.exec(line);
    if (!statement || line.startsWith(ownSwitch)) return undefined;
    const words = statement[1]!.toUpperCase().replace(/\s+/g, ' ');
    return `the dump holds a ${words} statement, which acts outside the database restored into: a drill does not run it`;
  });
}

const NEWLINE = 0x0a;
const SLASH = 0x2f;
/** How much of an event's line is looked at: its ON COMPLETION ... ENABLE comes before its body. */
const MAX_EVENT_HEAD = 4096;
const EVENT_LINE = Buffer.from('/*!50106 CREATE*/ ');
const ENABLED = / ON COMPLETION (NOT )?PRESERVE ENABLE\b/;

/**
 * Rewrites the dump's events (`/*!50106 CREATE*\/ ... EVENT ... ON COMPLETION NOT PRESERVE ENABLE DO ...`)
 * to be created DISABLE: in a scratch copy an event must not run, changing its rows or reaching other databases.
 */
export function disableEvents(): Transform {
  /** The start of a line that may be an event's, while it is incomplete (less than MAX_EVENT_HEAD bytes). */
  let held: Buffer | undefined;
  let atLineStart = true;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      let from = 0; // chunk[from...] is not passed on yet
      let at = 0;
      if (held) {
        const newline = chunk.indexOf(NEWLINE);
        const take = newline === -1 ? chunk.length : newline + 1;
        const line = Buffer.concat([held, chunk.subarray(0, take)]);
        held = undefined;
        if (newline === -1 && line.length < MAX_EVENT_HEAD) {
          held = line;
          done();
          return;
        }
        this.push(withEventDisabled(line));
        from = at = take;
        atLineStart = newline !== -1;
      }
      while (at < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, at);
        if (atLineStart && chunk[at] === SLASH) {
          if (at > from) this.push(chunk.subarray(from, at));
          if (newline === -1 && chunk.length - at < MAX_EVENT_HEAD) {
            held = Buffer.from(chunk.subarray(at));
            done();
            return;
          }
          const end = newline === -1 ? chunk.length : newline + 1;
          this.push(withEventDisabled(chunk.subarray(at, end)));
          from = end;
        }
        if (newline === -1) {
          atLineStart = false;
          break;
        }
        at = newline + 1;
        atLineStart = true;
      }
      if (from < chunk.length) this.push(chunk.subarray(from));
      done();
    },
    flush(done: TransformCallback) {
      done(null, held && withEventDisabled(held));
    },
  });
}

function withEventDisabled(line: Buffer): Buffer {
  if (!line.subarray(0, EVENT_LINE.length).equals(EVENT_LINE)) return line;
  const head = line.subarray(0, MAX_EVENT_HEAD).toString('latin1');
  const disabled = head.replace(ENABLED, ' ON COMPLETION $1PRESERVE DISABLE');
  return disabled === head ? line : Buffer.concat([Buffer.from(disabled, 'latin1'), line.subarray(MAX_EVENT_HEAD)]);
}
