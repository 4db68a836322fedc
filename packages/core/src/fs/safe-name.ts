/**
 * A name (a folder's, a database's) as a file name any file system and server keeps as is: letters,
 * digits, `.`, `_` and `-` stay, every other byte becomes %XX as in a URL (`carol smith` -> `carol%20smith`).
 */
export function safeFileName(name: string): string {
  const kept = /[A-Za-z0-9._-]/;
  const encoded = [...Buffer.from(name, 'utf8')]
    .map((byte) =>
      kept.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  // `.` and `..` are names no file can have.
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}

/** The name a `safeFileName` stands for. */
export function fromSafeFileName(fileName: string): string {
  return decodeURIComponent(fileName);
}
