// needs: postgres, ftp, age
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { compareTrees, makeAwkwardTree, writeRandomFile } from '../helpers/tree.js';
import { ftp, postgres, type Ftp, type Postgres } from '../../../../test/servers.js';

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function holdsMarker(dir: string, marker: string): boolean {
  return filesBelow(dir).some((file) => readFileSync(file).includes(marker));
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Keys kept where keys belong: away from the project (the machine being backed up). */
let keys: string;
let identity: string;
let recipient: string;
let otherIdentity: string;

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'pickup-keys-'));
  identity = join(keys, 'backup-key.txt');
  const made = await pickup(['keygen', '--out', identity], { cwd: keys });
  expect(made.code).toBe(0);
  recipient = /public key \(recipient\): (age1\S+)/.exec(made.stdout)![1]!;
  // A key the backups are not encrypted to, made by the age tools themselves.
  otherIdentity = join(keys, 'other-key.txt');
  execFileSync('age-keygen', ['-o', otherIdentity], { stdio: 'ignore' });
});
afterAll(() => rm(keys, { recursive: true, force: true }));

describe('encryption to age recipients, folder source to folder target', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('data'));
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      encryption: { recipients: [recipient] },
    });
  });
  afterAll(() => project.remove());

  it('stores only age files; verify needs no key; restore with the identity gives back the same tree', async () => {
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const stored = project.path('backups', backup!, 'docs/docs.tar.gz.age');
    expect(readdirSync(project.path('backups', backup!, 'docs'))).toEqual(['docs.tar.gz.age']);
    expect(readFileSync(stored).subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.encryption).toEqual({ format: 'age', recipients: [recipient], passphrase: false });
    const [file] = manifest.sources[0].files;
    expect(file).toMatchObject({
      path: 'docs/docs.tar.gz.age',
      size: statSync(stored).size,
      sha256: sha256(readFileSync(stored)),
    });

    // The standard age tool decrypts it to the size the manifest gives; the manifest keeps no plain
    // sha256 of it, which would let whoever holds the backup confirm a guess of the content.
    const decrypted = execFileSync('age', ['-d', '-i', identity, stored], { maxBuffer: 64 * 1024 * 1024 });
    expect(file.plain).toEqual({ size: decrypted.length, hmacSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(manifest)).not.toContain(sha256(decrypted));
    expect(execFileSync('tar', ['-tzf', '-'], { input: decrypted }).toString()).toContain('Ünïcödé folder/');

    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code).toBe(0);

    const restored = await pickup(
      ['restore', '--source', 'docs', '--to', project.path('restored'), '--identity', identity],
      { cwd: project.dir },
    );
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await compareTrees(project.path('restored'), project.path('data'))).toEqual([]);
  });

  it('restore without a key, or with the wrong one, is refused with the recipient named, and writes nothing', async () => {
    const none = await pickup(['restore', '--source', 'docs', '--to', project.path('r-none')], { cwd: project.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      new RegExp(
        `error: backup \\S+ is encrypted \\(age\\) to ${recipient}: give --identity FILE with the private key of one of them\\n$`,
      ),
    );
    const wrong = await pickup(
      ['restore', '--source', 'docs', '--to', project.path('r-wrong'), '--identity', otherIdentity],
      { cwd: project.dir },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      new RegExp(
        `error: cannot decrypt docs/docs\\.tar\\.gz\\.age of backup \\S+: the key given does not open it \\(it is encrypted to ${recipient}\\); nothing was restored\\n$`,
      ),
    );
    expect(existsSync(project.path('r-none'))).toBe(false);
    expect(existsSync(project.path('r-wrong'))).toBe(false);
    const notAKey = project.path('not-a-key.txt');
    await writeFile(notAKey, 'hello\n');
    const garbage = await pickup(
      ['restore', '--source', 'docs', '--to', project.path('r-garbage'), '--identity', notAKey],
      { cwd: project.dir },
    );
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/--identity: .*not-a-key\.txt holds a line that is not an age identity/);
  });

  it('one flipped byte at the target: verify names the file, restore refuses it and writes nothing', async () => {
    await pickup([], { cwd: project.dir });
    const backups = await completeBackups(project.path('backups'));
    const newest = backups.sort().at(-1)!;
    const stored = project.path('backups', newest, 'docs/docs.tar.gz.age');
    const handle = await open(stored, 'r+');
    const middle = Math.floor(statSync(stored).size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, middle);
    byte[0] = byte[0]! ^ 0x01;
    await handle.write(byte, 0, 1, middle);
    await handle.close();
    const verify = await pickup(['verify', newest], { cwd: project.dir });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/docs\/docs\.tar\.gz\.age has sha256 [0-9a-f]{64}, the manifest says/);
    const restore = await pickup(
      ['restore', newest, '--source', 'docs', '--to', project.path('r-flipped'), '--identity', identity],
      { cwd: project.dir },
    );
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/is damaged: docs\/docs\.tar\.gz\.age has sha256 .*; nothing was restored/);
    expect(existsSync(project.path('r-flipped'))).toBe(false);
  });
});

describe('encryption: a ciphertext changed along with its manifest entry', () => {
  let project: Project;
  afterAll(() => project.remove());

  it('restore decrypts nothing that does not authenticate, and writes nothing', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/blob.bin'), 300 * 1024);
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      encryption: { recipients: [recipient] },
    });
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const stored = project.path('backups', backup!, 'docs/docs.tar.gz.age');
    const bytes = readFileSync(stored);
    bytes[bytes.length - 1000]! ^= 0x01;
    await writeFile(stored, bytes);
    // Whoever changed the file fixed the manifest too: only age's own authentication can tell.
    const manifestFile = project.path('backups', backup!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.sources[0].files[0].sha256 = sha256(bytes);
    await writeFile(manifestFile, JSON.stringify(manifest));
    expect((await pickup(['verify'], { cwd: project.dir })).code).toBe(0); // by hash, it looks intact
    const restore = await pickup(
      ['restore', '--source', 'docs', '--to', project.path('restored'), '--identity', identity],
      { cwd: project.dir },
    );
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(
      /cannot decrypt docs\/docs\.tar\.gz\.age of backup \S+: a chunk of the age payload does not authenticate: the file is damaged or was changed; nothing was restored/,
    );
    expect(existsSync(project.path('restored'))).toBe(false);
  });
});

describe('encryption: bad input', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
  });
  afterAll(() => project.remove());

  const configWith = (encryption: Record<string, unknown>) =>
    project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      encryption,
    });

  it('a recipient that is not an age recipient, or a private key given as one: exit 2, nothing stored', async () => {
    await configWith({ recipients: [recipient, 'age1notarealkey'] });
    const bad = await pickup([], { cwd: project.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /pickup\.config\.ts: encryption\.recipients\[1\]: "age1notarealkey" is not an age X25519 recipient; a recipient looks like age1\.\.\./,
    );
    const secret = readFileSync(identity, 'utf8').split('\n')[2]!;
    await configWith({ recipients: [secret] });
    const leaked = await pickup([], { cwd: project.dir });
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).toMatch(
      /encryption\.recipients\[0\]: this is a private key \(an age identity\), not a recipient: put its public key here/,
    );
    expect(leaked.stderr).not.toContain(secret);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/error: encryption: .*this is a private key/);
  });

  it('every bad recipient is named at once', async () => {
    await configWith({ recipients: ['age1notarealkey', recipient, 'age1alsobad'] });
    const bad = await pickup([], { cwd: project.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/encryption\.recipients\[0\]: "age1notarealkey" is not an age X25519 recipient/);
    expect(bad.stderr).toMatch(/encryption\.recipients\[2\]: "age1alsobad" is not an age X25519 recipient/);
  });

  it('a passphrase file others can read is warned about', async () => {
    await writeFile(project.path('open-passphrase'), 'correct horse battery staple\n', { mode: 0o644 });
    await configWith({ passphraseFile: './open-passphrase' });
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(
      /warning: .*encryption\.passphraseFile: .*open-passphrase can be read by others \(mode 644\); chmod 600 it/,
    );
  });

  it('a passphrase file that is missing or empty: exit 2, naming the field and the file', async () => {
    await configWith({ passphraseFile: './no-such-file' });
    const missing = await pickup([], { cwd: project.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /encryption\.passphraseFile: the passphrase file \/\S+\/no-such-file does not exist/,
    );
    await writeFile(project.path('empty-passphrase'), '\n');
    await configWith({ passphraseFile: './empty-passphrase' });
    const empty = await pickup([], { cwd: project.dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/encryption\.passphraseFile: the passphrase file \/\S+\/empty-passphrase is empty/);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
  });

  it('an identity file named in the config is warned about; the run goes on with the recipients', async () => {
    await configWith({ recipients: [recipient], identityFile: identity });
    const run = await pickup([], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: .*encryption\.identityFile: the private key should not live beside the backups/,
    );
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
  });

  it('a passphrase instead of recipients: restore with --passphrase-file, and the wrong one is refused', async () => {
    await rm(project.path('backups'), { recursive: true, force: true });
    await writeFile(project.path('passphrase'), 'correct horse battery staple\n', { mode: 0o600 });
    await configWith({ passphraseFile: './passphrase' });
    const run = await pickup([], { cwd: project.dir });
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.encryption).toEqual({ format: 'age', recipients: [], passphrase: true });
    await writeFile(project.path('wrong-passphrase'), 'incorrect horse\n');
    const wrong = await pickup(
      [
        'restore',
        '--source',
        'docs',
        '--to',
        project.path('r-wrong'),
        '--passphrase-file',
        project.path('wrong-passphrase'),
      ],
      { cwd: project.dir },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/the key given does not open it \(it is encrypted to a passphrase\)/);
    const right = await pickup(
      ['restore', '--source', 'docs', '--to', project.path('r-right'), '--passphrase-file', project.path('passphrase')],
      { cwd: project.dir },
    );
    expect(right.code).toBe(0);
    expect(await readFile(project.path('r-right/file.txt'), 'utf8')).toBe('data\n');
  });

  it('memory stays flat while a file of several hundred MB is encrypted', async () => {
    const BIG = 400 * 1024 * 1024;
    const big = await makeProject();
    try {
      await mkdir(big.path('data'));
      await writeRandomFile(big.path('data/big.bin'), BIG);
      await big.writeConfig({
        sources: [{ name: 'big', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
        encryption: { recipients: [recipient] },
      });
      const baseline = await pickup(['--dry-run'], { cwd: big.dir });
      const result = await pickup([], { cwd: big.dir });
      expect(result.code).toBe(0);
      const [backup] = await completeBackups(big.path('backups'));
      expect(statSync(big.path('backups', backup!, 'big/big.tar.gz.age')).size).toBeGreaterThan(BIG);
      // Held in memory, the file alone would add 400 MB.
      expect(result.peakRss - baseline.peakRss).toBeLessThan(BIG / 2);
    } finally {
      await big.remove();
    }
  }, 300_000);
});

describe('encryption of a database pushed to FTP', () => {
  let pg: Postgres;
  let server: Ftp;
  let project: Project;
  const suffix = randomBytes(4).toString('hex');
  const db = `pickup_secret_${suffix}`;
  const remote = `pickup-enc-${suffix}`;
  const marker = `PLANTED-MARKER-${suffix}`;

  beforeAll(async () => {
    pg = postgres();
    server = ftp();
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    pg.sql(
      db,
      `CREATE TABLE notes (body text); INSERT INTO notes SELECT '${marker} ' || g FROM generate_series(1, 100) g`,
    );
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of [db, `${db}_restored`]) pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  const config = (encryption: Record<string, unknown> | undefined, target: Record<string, unknown>) => ({
    sources: [
      {
        name: 'pg',
        use: 'postgres',
        with: {
          host: pg.host,
          port: pg.port,
          user: pg.user,
          passwordFile: './pg-password',
          databases: [db],
          format: 'plain',
        },
      },
    ],
    targets: [target],
    ...(encryption ? { encryption } : {}),
  });
  const ftpTarget = (path: string) => ({
    name: 'ftp',
    use: 'ftp',
    with: {
      host: server.host,
      port: server.port,
      user: server.user,
      passwordFile: './ftp-password',
      path: `${remote}/${path}`,
    },
  });

  it('the server holds none of the plaintext; restore with the identity gives the same rows back', async () => {
    // Without encryption the marker is there to be found: the check below can fail.
    await project.writeConfig(config(undefined, ftpTarget('clear')));
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    expect(holdsMarker(join(server.home, remote, 'clear'), marker)).toBe(true);

    await project.writeConfig(config({ recipients: [recipient] }, ftpTarget('sealed')));
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sealed = join(server.home, remote, 'sealed');
    expect(
      filesBelow(sealed)
        .filter((file) => !file.endsWith('manifest.json'))
        .every((file) => file.endsWith('.age')),
    ).toBe(true);
    expect(holdsMarker(sealed, marker)).toBe(false);

    const restore = await pickup(
      ['restore', '--source', 'pg', '--only', db, '--to', `${db}_restored`, '--identity', identity],
      { cwd: project.dir },
    );
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const rows = (database: string) => pg.sql(database, 'SELECT count(*), min(body), max(body) FROM notes');
    expect(rows(`${db}_restored`)).toBe(rows(db));
    expect(rows(db)).toContain(marker);
  });
});
