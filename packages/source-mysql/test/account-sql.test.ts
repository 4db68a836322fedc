import { describe, expect, it } from 'vitest';
import { createWithoutSecrets, grantWithoutSecrets, UnreadableClause, withAccountLock } from '../src/account-sql.js';

// Statements as SHOW CREATE USER and SHOW GRANTS write them. MariaDB's are also restored for real by
// packages/cli/test/e2e/mysql-users.test.ts; MySQL 8's are taken from its documentation.
const HASH = '*6F9E58ECD99C0439F333B2A1F9E1105206E2F15B';

describe('leaving the password hashes out of account statements', () => {
  it("MariaDB's password hash: left out, the account locked, the rest kept", () => {
    const create = `CREATE USER IF NOT EXISTS \`shop\`@\`%\` IDENTIFIED BY PASSWORD '${HASH}' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10`;
    const stripped = createWithoutSecrets(create);
    const statement = 'CREATE USER IF NOT EXISTS `shop`@`%` REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10';
    expect(stripped).toEqual({ statement, leftOut: true, mustLock: true });
    expect(withAccountLock(stripped.statement)).toBe(
      'CREATE USER IF NOT EXISTS `shop`@`%` REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10 ACCOUNT LOCK',
    );
  });

  it("MariaDB's alternatives: those with a secret go, unix_socket stays and the account needs no lock", () => {
    const create =
      "CREATE USER `root`@`localhost` IDENTIFIED VIA mysql_native_password USING 'invalid' OR unix_socket ACCOUNT LOCK";
    const statement = 'CREATE USER `root`@`localhost` IDENTIFIED VIA unix_socket ACCOUNT LOCK';
    expect(createWithoutSecrets(create)).toEqual({ statement, leftOut: true, mustLock: false });
    expect(createWithoutSecrets('CREATE USER `sock`@`localhost` IDENTIFIED VIA unix_socket')).toMatchObject({
      leftOut: false,
      mustLock: false,
    });
    expect(createWithoutSecrets('CREATE USER `open`@`h`')).toMatchObject({
      statement: 'CREATE USER `open`@`h`',
      leftOut: false,
    });
  });

  it('quotes and backslashes inside the names and the secret do not confuse it', () => {
    const create = "CREATE USER `it``s IDENTIFIED`@`h` IDENTIFIED VIA ed25519 USING 'a\\'b'' OR c' OR unix_socket";
    expect(createWithoutSecrets(create).statement).toBe(
      'CREATE USER `it``s IDENTIFIED`@`h` IDENTIFIED VIA unix_socket',
    );
  });

  it("MySQL 8's hash, as text or in hex: left out, ACCOUNT UNLOCK turned into ACCOUNT LOCK", () => {
    for (const hash of ["'$A$005$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'", '0x244124303035246162'] as const) {
      const options = 'REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK PASSWORD HISTORY DEFAULT';
      const create = `CREATE USER \`app\`@\`%\` IDENTIFIED WITH 'caching_sha2_password' AS ${hash} ${options}`;
      const stripped = createWithoutSecrets(create);
      expect(stripped).toMatchObject({ leftOut: true, mustLock: true });
      expect(withAccountLock(stripped.statement)).toBe(
        `CREATE USER \`app\`@\`%\` ${options.replace('UNLOCK', 'LOCK')}`,
      );
    }
  });

  it("MySQL's multi-factor accounts need every factor: one with a secret takes them all out", () => {
    const factors = "IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$xyz' AND IDENTIFIED WITH 'authentication_fido'";
    const create = `CREATE USER \`mfa\`@\`%\` ${factors} REQUIRE NONE`;
    expect(createWithoutSecrets(create)).toEqual({
      statement: 'CREATE USER `mfa`@`%` REQUIRE NONE',
      leftOut: true,
      mustLock: true,
    });
  });

  it('an account already locked stays as it is', () => {
    expect(withAccountLock('CREATE USER `a`@`h` ACCOUNT LOCK PASSWORD EXPIRE')).toBe(
      'CREATE USER `a`@`h` ACCOUNT LOCK PASSWORD EXPIRE',
    );
  });

  it('a GRANT loses its whole IDENTIFIED clause', () => {
    const grant = `GRANT USAGE ON *.* TO \`a\`@\`%\` IDENTIFIED BY PASSWORD '${HASH}' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10`;
    expect(grantWithoutSecrets(grant)).toBe('GRANT USAGE ON *.* TO `a`@`%` REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 10');
    const viaSocket = 'GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket WITH GRANT OPTION';
    expect(grantWithoutSecrets(viaSocket)).toBe('GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION');
    expect(grantWithoutSecrets('GRANT SELECT ON `shop`.* TO `a`@`%`')).toBe('GRANT SELECT ON `shop`.* TO `a`@`%`');
  });

  it('a clause in a form it does not know is refused rather than kept with its secret', () => {
    expect(() => createWithoutSecrets("CREATE USER `a`@`h` IDENTIFIED VIA ed25519 USING PASSWORD('secret')")).toThrow(
      UnreadableClause,
    );
  });
});
