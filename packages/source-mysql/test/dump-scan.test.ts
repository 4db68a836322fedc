import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { countingStream, DumpScanner, lineGuard } from '../src/dump-scan.js';

/** `text` cut into chunks of `size` bytes. */
function chunks(text: string | Buffer, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/** The rows per table the scanner finds in `text` cut into chunks of `size`, and the bytes it passed on. */
async function counted(text: string, size: number) {
  const counting = countingStream();
  const passed = await buffer(Readable.from(chunks(text, size)).pipe(counting.stream));
  const counts = counting.counts();
  return { passed: passed.toString(), tables: counts && Object.fromEntries(counts) };
}

// As mariadb-dump 10.11 writes it: one tuple a line. Values hold what a naive count would take for rows or ends.
const mariadb = [
  '/*M!999999\\- enable the sandbox mode */ ',
  "-- Table structure for table `it's`",
  '/*!40101 SET NAMES utf8mb4 */;',
  'DROP TABLE IF EXISTS `we``ird (x)`;',
  'CREATE TABLE `we``ird (x)` (',
  "  `id` int(11) NOT NULL COMMENT 'a ( that ; never closes',",
  "  `s` text DEFAULT '(''x'');'",
  ') ENGINE=InnoDB DEFAULT CHARSET=latin1;',
  'LOCK TABLES `we``ird (x)` WRITE;',
  'INSERT INTO `we``ird (x)` VALUES',
  "(1,'a\\'b\\\\',0x00FF),",
  "(2,'(),(',NULL),",
  "(3,'O''Brien; (4,''x'')',NULL),",
  '(4,"double \\" quoted (",\'\\n);\\n(5\'),',
  "(5,'日本 🍕 ( ''',_binary 'x');",
  'UNLOCK TABLES;',
  'CREATE TABLE `empty` (',
  '  `id` int(11) DEFAULT NULL',
  ');',
  'CREATE TABLE `日本` (',
  '  `id` int(11) DEFAULT NULL',
  ');',
  'INSERT INTO `日本` VALUES',
  '(1),',
  '(2);',
  '/*!50001 CREATE VIEW `v` AS SELECT',
  ' 1 AS `id` */;',
  '/*!50001 CREATE TABLE `old_view_placeholder` (',
  '  `id` tinyint NOT NULL',
  ') ENGINE=MyISAM */;',
  'DELIMITER ;;',
  'CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()',
  'BEGIN',
  'INSERT INTO `empty` VALUES (1),(2);',
  'CREATE TABLE `made_by_p` (id INT);',
  'END ;;',
  'DELIMITER ;',
  '',
].join('\n');

// As mysqldump writes it, and mariadb-dump with --complete-insert, --insert-ignore, --replace, --skip-extended-insert.
const variants = [
  'CREATE TABLE `t` (',
  '  `a` int',
  ');',
  "INSERT INTO `t` VALUES (1,'x'),(2,'y),(z'),(3,'');",
  'INSERT INTO `t` (`a`, `VALUES (`, `b``)`) VALUES (4,5,6),(7,8,9);',
  'INSERT IGNORE INTO `t` VALUES (10);',
  'REPLACE INTO `t` VALUES (11);',
  'INSERT DELAYED INTO `t` VALUES (12);',
  'CREATE TABLE IF NOT EXISTS `u` (',
  '  `a` int',
  ');',
  'INSERT INTO `u` VALUES (1);',
  'INSERT INTO `u` VALUES (2);',
].join('\n');

describe('counting the tables and rows of a dump as it streams', () => {
  it('counts the tuples of each INSERT, whatever its values hold, however the dump is cut', async () => {
    for (const size of [1, 2, 3, 7, 64, 4096, 1 << 20]) {
      const { passed, tables } = await counted(mariadb, size);
      expect(passed, `chunks of ${size}`).toBe(mariadb);
      expect(tables, `chunks of ${size}`).toEqual({ 'we`ird (x)': 5, empty: 0, 日本: 2 });
    }
  });

  it('knows the column list, INSERT IGNORE, REPLACE, and one INSERT per row', async () => {
    for (const size of [1, 5, 1 << 20]) {
      const { tables } = await counted(variants, size);
      expect(tables, `chunks of ${size}`).toEqual({ t: 8, u: 2 });
    }
  });

  it('keeps the order in which the dump creates the tables', async () => {
    const scanner = new DumpScanner();
    scanner.scan(Buffer.from(mariadb));
    expect(scanner.finish()).toBe(true);
    expect([...scanner.tables.keys()]).toEqual(['we`ird (x)', 'empty', '日本']);
  });

  it('gives no counts for a dump that ends inside an INSERT', async () => {
    const { tables } = await counted("CREATE TABLE `t` (\n);\nINSERT INTO `t` VALUES (1,'x'),(2,'", 3);
    expect(tables).toBeUndefined();
  });

  it('passes each chunk on as it comes, holding nothing of a long INSERT line', async () => {
    const line = `INSERT INTO \`big\` VALUES ${Array.from({ length: 100_000 }, (_, i) => `(${i},'row (${i});')`).join(',')};\n`;
    const counting = countingStream();
    const sizes: number[] = [];
    counting.stream.on('data', (chunk: Buffer) => sizes.push(chunk.length));
    const input = chunks(`CREATE TABLE \`big\` (\n);\n${line}`, 65_536);
    await new Promise((resolve) => Readable.from(input).pipe(counting.stream).on('end', resolve));
    expect(sizes).toEqual(input.map((chunk) => chunk.length));
    expect(Object.fromEntries(counting.counts()!)).toEqual({ big: 100_000 });
  });
});

describe('guarding the lines of a dump', () => {
  const refuseUse = (line: string) => (line.startsWith('USE ') ? `refused: ${line}` : undefined);
  const dump = [
    'CREATE TABLE `t` (',
    '  `a` int',
    ');',
    "INSERT INTO `t` VALUES (1,'\\nUSE `x`;');",
    'USE `shop`;',
    'DROP TABLE `t`;',
    '',
  ];

  it('fails before a refused line, nothing of which goes through, however the dump is cut', async () => {
    for (const size of [1, 3, 1 << 20]) {
      const guard = lineGuard(refuseUse);
      const passed: Buffer[] = [];
      guard.stream.on('data', (chunk: Buffer) => passed.push(chunk));
      const failure = await new Promise<Error>((resolve) => {
        Readable.from(chunks(dump.join('\n'), size))
          .pipe(guard.stream)
          .on('error', resolve);
      });
      expect(failure.message).toBe('refused: USE `shop`;');
      expect(guard.refusal()).toBe('refused: USE `shop`;');
      // What went through is part of the lines before it (all of them, when they came in chunks of their own).
      const through = Buffer.concat(passed).toString();
      expect(`${dump.slice(0, 4).join('\n')}\n`.startsWith(through), `chunks of ${size}`).toBe(true);
      if (size === 1) expect(through).toBe(`${dump.slice(0, 4).join('\n')}\n`);
    }
  });

  it('lets everything else through unchanged, the bodies of routines too', async () => {
    const text = ['DELIMITER ;;', 'USE `shop`;;', 'DELIMITER ;', "INSERT INTO `t` VALUES ('USE x');", 'last line'].join(
      '\n',
    );
    for (const size of [1, 4, 1 << 20]) {
      const guard = lineGuard(refuseUse);
      expect((await buffer(Readable.from(chunks(text, size)).pipe(guard.stream))).toString()).toBe(text);
    }
  });
});
