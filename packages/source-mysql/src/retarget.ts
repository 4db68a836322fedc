import { Transform, type TransformCallback } from 'node:stream';
import { quoteName } from './sql-text.js';

/** Longer lines are never collation switches: passed on as they are, without keeping them whole. */
const MAX_SWITCH_LINE = 4096;
const NEWLINE = 0x0a;

/**
 * mariadb-dump and mysqldump write a routine, trigger or event whose database collation differs from
 * the database's between two lines that switch the collation of the database by its name:
 *
 *     ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;;
 *     CREATE ... PROCEDURE ...
 *     ALTER DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ;;
 *
 * Restored under another name, those lines would alter the original database (left altered if the
 * restore fails between two of them, refused to an account with no rights on it), and the object would
 * get the new database's collation. This stream rewrites them to name the database restored into.
 */
export function retargetCollationSwitches(from: string, to: string): Transform {
  const prefix = Buffer.from(`ALTER DATABASE ${quoteName(from)} CHARACTER SET `);
  const rewritten = `ALTER DATABASE ${quoteName(to)} CHARACTER SET `;
  /** The start of the current line, while it may still be a switch. */
  let pending: Buffer | undefined;
  /** The current line is known not to be a switch: pass it on up to its end. */
  let passing = false;

  const mayBeSwitch = (line: Buffer) => {
    const length = Math.min(line.length, prefix.length);
    return line.length <= MAX_SWITCH_LINE && line.subarray(0, length).equals(prefix.subarray(0, length));
  };
  const rewrite = (line: Buffer): Buffer => {
    const rest = line.subarray(prefix.length).toString('latin1');
    return /^\w+ COLLATE \w+ ;;?\r?\n$/.test(rest) ? Buffer.from(rewritten + rest, 'latin1') : line;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      let at = 0;
      while (at < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, at);
        const complete = newline !== -1;
        const piece = chunk.subarray(at, complete ? newline + 1 : chunk.length);
        at += piece.length;
        if (passing) {
          this.push(piece);
          passing = !complete;
          continue;
        }
        const line = pending ? Buffer.concat([pending, piece]) : piece;
        pending = undefined;
        if (!mayBeSwitch(line)) {
          this.push(line);
          passing = !complete;
        } else if (complete) {
          this.push(rewrite(line));
        } else {
          pending = line;
        }
      }
      done();
    },
    flush(done: TransformCallback) {
      if (pending) this.push(pending);
      done();
    },
  });
}
