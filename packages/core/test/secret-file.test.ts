import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log/logger.js';
import { secretScrubber } from '../src/log/redact.js';
import { readSecretFile } from '../src/secrets/secret-file.js';

describe('secret files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-secret-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, text: string, mode = 0o600) => {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  };

  it('give their first line, without a line break, a \\r from an editor on Windows, or trailing spaces', async () => {
    expect(await readSecretFile(await file('unix', 'pass word\nsecond line\n'))).toBe('pass word');
    expect(await readSecretFile(await file('windows', 'pass word\r\n'))).toBe('pass word');
    expect(await readSecretFile(await file('spaces', '  pass word \t \n'))).toBe('  pass word');
    expect(await readSecretFile(await file('bare', 'pass word'))).toBe('pass word');
  });

  it('refuse an empty or missing file with a message saying what to do, as an OptionError when an option is named', async () => {
    await expect(readSecretFile(await file('empty', '\r\n'), { what: 'password' })).rejects.toThrow(
      /empty is empty; write the password on its first line/,
    );
    await expect(readSecretFile(join(dir, 'nope'), { what: 'password' })).rejects.toThrow(
      /nope does not exist; create it with the password on its first line/,
    );
    await expect(readSecretFile(join(dir, 'nope'), { option: 'passwordFile' })).rejects.toMatchObject({
      name: 'OptionError',
      option: 'passwordFile',
    });
  });

  it('warn once about a file others may read, and have every logger blank the secret from then on', async () => {
    const lines: string[] = [];
    const sink = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream;
    const logger = await createLogger({ stdout: sink, stderr: sink });
    try {
      const path = await file('open', 'Open-Sesame-42\n', 0o644);
      await readSecretFile(path, { log: logger.log, what: 'password' });
      await readSecretFile(path, { log: logger.log, what: 'password' });
      logger.log.info('the tool said: login as bob with Open-Sesame-42 failed');
      expect(lines.filter((line) => line.includes('can be read by others (mode 644); chmod 600 it'))).toHaveLength(1);
      expect(lines.join('')).not.toContain('Open-Sesame-42');
      expect(lines.join('')).toContain('login as bob with [redacted] failed');
    } finally {
      await logger.close();
    }
  });
});

describe('blanking short secrets', () => {
  it('a secret shorter than six characters is blanked only where it stands alone, not inside words', () => {
    const scrub = secretScrubber(['b', 'x7']);
    expect(scrub('backup of www by bob: password b rejected')).toBe(
      'backup of www by bob: password [redacted] rejected',
    );
    expect(scrub('postgres://u:x7@host/db, x7y, ax7')).toBe('postgres://u:[redacted]@host/db, x7y, ax7');
  });

  it('a longer one wherever it appears', () => {
    expect(secretScrubber(['hunter22'])('xxhunter22yy')).toBe('xx[redacted]yy');
  });
});
