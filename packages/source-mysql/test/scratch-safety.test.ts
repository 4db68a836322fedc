import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { assertScratchName, disableEvents, scratchGuard } from '../src/scratch-safety.js';

function chunks(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

const through = async (stream: NodeJS.ReadWriteStream, text: string, size: number) =>
  (await buffer(Readable.from(chunks(text, size)).pipe(stream))).toString();

/** What a guarded restore of `text` into pickup_drill_abc refuses, or undefined. */
async function refusal(text: string): Promise<string | undefined> {
  const guard = scratchGuard('pickup_drill_abc');
  return through(guard.stream, text, 7).then(
    () => undefined,
    (error: Error) => error.message,
  );
}

describe('the scratch database', () => {
  it('is only ever a name pickup_drill_ and letters or digits', () => {
    expect(() => assertScratchName('pickup_drill_k3x9')).not.toThrow();
    for (const name of [
      'shop',
      'pickup_drill_',
      'pickup_drill_x`; DROP DATABASE shop',
      'Pickup_drill_a',
      'pickup_drill_a.b',
    ])
      expect(() => assertScratchName(name), name).toThrow(
        /is not a drill's scratch database \(pickup_drill_\.\.\.\): it is left alone/,
      );
  });

  it('gets no statement of a dump that acts outside it', async () => {
    // As mariadb-dump writes them with --databases, --add-drop-database, --system=users, --master-data.
    expect(await refusal('CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`;\n')).toBe(
      'the dump holds a CREATE DATABASE statement, which acts outside the database restored into: a drill does not run it',
    );
    expect(await refusal('-- x\nUSE `shop`;\n')).toContain('a USE statement');
    expect(await refusal('/*!40000 DROP DATABASE IF EXISTS `shop`*/;\n')).toContain('a DROP DATABASE statement');
    expect(await refusal("CREATE USER IF NOT EXISTS `a`@`%` IDENTIFIED BY PASSWORD '*ABC';\n")).toBe(
      'the dump holds a CREATE USER statement, which acts outside the database restored into: a drill does not run it',
    );
    expect(await refusal("GRANT ALL ON *.* TO 'a'@'%';\n")).toContain('a GRANT statement');
    expect(await refusal("CHANGE MASTER TO MASTER_LOG_FILE='x', MASTER_LOG_POS=4;\n")).toContain('CHANGE MASTER');
    expect(await refusal("SET GLOBAL gtid_slave_pos='0-1-2';\n")).toContain('SET GLOBAL');
    expect(await refusal('ALTER DATABASE `shop` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;\n')).toContain(
      'ALTER DATABASE',
    );
  });

  it("lets the rest of a dump through, its own collation switches and routines' bodies too", async () => {
    const dump = [
      '/*M!999999\\- enable the sandbox mode */ ',
      '/*!40101 SET NAMES utf8mb4 */;',
      'ALTER DATABASE `pickup_drill_abc` CHARACTER SET latin1 COLLATE latin1_swedish_ci ;',
      'DELIMITER ;;',
      "GRANT SELECT ON t TO 'x'@'%';;",
      'DELIMITER ;',
      "INSERT INTO `t` VALUES ('USE `shop`;'),('\\nGRANT ALL');",
      '',
    ].join('\n');
    expect(await refusal(dump)).toBeUndefined();
  });
});

// The lines mariadb-dump 10.11 writes for an event, between DELIMITER ;; and DELIMITER ;.
const header = '/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT';
const event = [
  "/*!50003 SET time_zone             = 'SYSTEM' */ ;;",
  `${header} \`e\` ON SCHEDULE EVERY 1 HOUR STARTS '2026-12-03 23:05:43' ON COMPLETION NOT PRESERVE ENABLE DO ` +
    "INSERT INTO t VALUES (2,'ON COMPLETION PRESERVE ENABLE') ",
  '*/ ;;',
  `${header} \`f\` ON SCHEDULE AT '2030-01-01 00:00:00' ON COMPLETION PRESERVE ENABLE COMMENT 'x' DO DELETE FROM t */ ;;`,
  `${header} \`g\` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE DISABLE DO SELECT 1 */ ;;`,
  `INSERT INTO \`t\` VALUES ('${'x'.repeat(10_000)}');`,
  '/*!50106 CREATE*/ /*!50106 EVENT `h` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE DO SELECT 1 */ ;;',
].join('\n');

describe("the dump's events, in a drill", () => {
  it('are created disabled, and nothing else changes, however the dump is cut', async () => {
    const expected = event
      .replace('ON COMPLETION NOT PRESERVE ENABLE DO INSERT', 'ON COMPLETION NOT PRESERVE DISABLE DO INSERT')
      .replace('ON COMPLETION PRESERVE ENABLE COMMENT', 'ON COMPLETION PRESERVE DISABLE COMMENT')
      .replace(
        'EVENT `h` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE',
        'EVENT `h` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE DISABLE',
      );
    for (const size of [1, 2, 3, 64, 4096, 1 << 20])
      expect(await through(disableEvents(), event, size), `chunks of ${size}`).toBe(expected);
  });
});
