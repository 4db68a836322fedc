import { describe, expect, it } from 'vitest';
import { collectSecrets, isSecretKey, secretScrubber } from '../src/log/redact.js';

describe('secrets', () => {
  it('are the values of options named like passwords, secrets, tokens and keys, not of the files that hold them', () => {
    for (const key of [
      'password',
      'dbPassword',
      'passphrase',
      'secret',
      'clientSecret',
      'token',
      'apiKey',
      'secretAccessKey',
      'key',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['passwordFile', 'keyFile', 'path', 'user', 'host', 'monkey'])
      expect(isSecretKey(key), key).toBe(false);
  });

  it('are collected from anywhere in a config', () => {
    const config = {
      sources: [
        {
          name: 'db',
          with: { password: 'pw1', nested: { token: 'tok' }, passwordFile: '/etc/pw', list: [{ secret: 's3' }] },
        },
      ],
    };
    expect([...collectSecrets(config)].sort()).toEqual(['pw1', 's3', 'tok']);
  });

  it('are blanked in any line, raw, JSON-escaped or URL-encoded', () => {
    const scrub = secretScrubber(['p@ss"word']);
    expect(scrub('connecting with p@ss"word')).toBe('connecting with [redacted]');
    expect(scrub('{"msg":"pw is p@ss\\"word"}')).toBe('{"msg":"pw is [redacted]"}');
    expect(scrub('postgres://u:p%40ss%22word@host/db')).toBe('postgres://u:[redacted]@host/db');
    expect(scrub('nothing here')).toBe('nothing here');
  });
});
