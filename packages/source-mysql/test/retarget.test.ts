import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { retargetCollationSwitches } from '../src/retarget.js';

/** The stream's output for `input` cut into chunks of `size` bytes. */
async function through(input: string, size: number, from = 'shop', to = 'shop copy'): Promise<string> {
  const bytes = Buffer.from(input);
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
  return text(Readable.from(chunks).pipe(retargetCollationSwitches(from, to)));
}

// The lines as mariadb-dump 10.11 writes them around a routine (packages/cli/test/e2e/mysql-definition.test.ts
// restores such a dump for real).
const dump = [
  "INSERT INTO `notes` VALUES (1,'ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;\\n');",
  'DELIMITER ;;',
  'ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;;',
  'CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()',
  'SELECT 1 ;;',
  'ALTER DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ;;',
  'DELIMITER ;',
  'ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;',
  'ALTER DATABASE `shopping` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;',
  `-- ${'x'.repeat(10_000)} 日本 🍕`,
  'ALTER DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ;',
].join('\n');

const expected = [
  "INSERT INTO `notes` VALUES (1,'ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;\\n');",
  'DELIMITER ;;',
  'ALTER DATABASE `shop copy` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;;',
  'CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()',
  'SELECT 1 ;;',
  'ALTER DATABASE `shop copy` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ;;',
  'DELIMITER ;',
  'ALTER DATABASE `shop copy` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;',
  'ALTER DATABASE `shopping` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;',
  `-- ${'x'.repeat(10_000)} 日本 🍕`,
  // The last line has no line break: it is not a whole switch line, so it is left as it is.
  'ALTER DATABASE `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ;',
].join('\n');

describe('rewriting the collation switches of a dump to the database restored into', () => {
  it('rewrites whole switch lines naming the dumped database, and nothing else, however the input is cut', async () => {
    for (const size of [1, 2, 3, 7, 64, 4096, 1 << 20])
      expect(await through(dump, size), `chunks of ${size}`).toBe(expected);
  });

  it('quotes the names as the dump tool does', async () => {
    const line = 'ALTER DATABASE `it``s` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;;\n';
    expect(await through(line, 5, 'it`s', 'new`one')).toBe(
      'ALTER DATABASE `new``one` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;;\n',
    );
  });
});
