/** The entry types the archive writes. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'fifo' | 'character-device' | 'block-device';

export interface TarHeader {
  /** Relative `/`-separated path; a folder's ends with `/`. */
  name: string;
  type: EntryType;
  /** st_mode; only its permission bits (07777) are stored. */
  mode: number;
  uid: number;
  gid: number;
  /** Whole seconds since the epoch (up to the year 2242; an earlier time than 1970 is stored as 1970). */
  mtime: number;
  /** Content bytes (files only). */
  size: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

export const RECORD = 512;

const TYPE_FLAGS: Record<EntryType | 'pax-header', number> = {
  file: 0x30,
  symlink: 0x32,
  'character-device': 0x33,
  'block-device': 0x34,
  directory: 0x35,
  fifo: 0x36,
  'pax-header': 0x78, // 'x'
};

/** The one record most headers need, reused: a tree of many small files makes no garbage for it. */
const scratch = Buffer.alloc(RECORD);

/**
 * The bytes of one entry's header, valid until the next call: one ustar record, or, for a name or link
 * target ustar cannot hold (too long, or not ASCII), a PAX record with the path followed by the ustar
 * record. The bytes are those tar-stream wrote for the same header (the format of archives made before
 * this encoder), so unchanged data still gives byte-identical archives.
 */
export function encodeHeader(header: TarHeader): Buffer {
  const split = splitName(header.name);
  if (split && Buffer.byteLength(header.linkname ?? '') <= 100) {
    scratch.fill(0);
    writeUstar(scratch, 0, header, split.name, split.prefix);
    return scratch;
  }
  let records = '';
  records += paxRecord('path', header.name);
  if (header.linkname) records += paxRecord('linkpath', header.linkname);
  const paxLength = Buffer.byteLength(records);
  const paxHeader = { ...header, name: 'PaxHeader', linkname: header.linkname && 'PaxHeader' };
  const paxEnd = RECORD + paxLength + ((RECORD - (paxLength % RECORD)) % RECORD);
  const bytes = Buffer.alloc(paxEnd + RECORD);
  writeUstar(bytes, 0, { ...paxHeader, type: 'pax-header', size: paxLength }, 'PaxHeader', '');
  bytes.write(records, RECORD, 'utf8');
  writeUstar(bytes, paxEnd, paxHeader, 'PaxHeader', '');
  return bytes;
}

/** ustar's name and prefix fields for `name`, or undefined if they cannot hold it. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (!isAscii(name)) return undefined;
  let rest = name;
  let prefix = '';
  while (rest.length > 100) {
    const slash = rest.indexOf('/');
    if (slash === -1) return undefined;
    prefix += prefix ? `/${rest.slice(0, slash)}` : rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  return prefix.length > 155 ? undefined : { name: rest, prefix };
}

/** Writes a ustar record at `offset` of `target`, whose 512 bytes there are zero. */
function writeUstar(
  target: Buffer,
  offset: number,
  header: TarHeader | (Omit<TarHeader, 'type'> & { type: 'pax-header' }),
  name: string,
  prefix: string,
): void {
  const record = target.subarray(offset, offset + RECORD);
  record.write(name, 0, 'latin1');
  record.write(octal(header.mode & 0o7777, 6), 100, 'latin1');
  record.write(octal(header.uid, 6), 108, 'latin1');
  record.write(octal(header.gid, 6), 116, 'latin1');
  writeSize(record, header.type === 'file' || header.type === 'pax-header' ? header.size : 0);
  record.write(octal(Math.max(0, header.mtime), 11), 136, 'latin1'); // before 1970: stored as 1970
  record[156] = TYPE_FLAGS[header.type];
  if (header.linkname) record.write(header.linkname, 157, 'utf8');
  record.write('ustar\x0000', 257, 'latin1');
  record.write(octal(header.devmajor ?? 0, 6), 329, 'latin1');
  record.write(octal(header.devminor ?? 0, 6), 337, 'latin1');
  if (prefix) record.write(prefix, 345, 'latin1');
  record.write(octal(checksum(record), 6), 148, 'latin1');
}

/** `digits` octal digits and a space; a value too big for them reads as all sevens. */
function octal(value: number, digits: number): string {
  const text = value.toString(8);
  return text.length > digits ? `${'7'.repeat(digits)} ` : `${text.padStart(digits, '0')} `;
}

/** The size field: 11 octal digits, or base-256 (first byte 0x80) for 8 GiB and more. */
function writeSize(record: Buffer, size: number): void {
  if (size.toString(8).length <= 11) {
    record.write(octal(size, 11), 124, 'latin1');
    return;
  }
  record[124] = 0x80;
  let rest = size;
  for (let i = 11; i > 0; i--) {
    record[124 + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** The header's checksum: its bytes summed with the checksum field read as spaces. */
function checksum(record: Buffer): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += record[i]!;
  for (let i = 156; i < RECORD; i++) sum += record[i]!;
  return sum;
}

/** One PAX record: `<length> <key>=<value>\n`, the length counting its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const length = Buffer.byteLength(body);
  let digits = String(length).length;
  if (length + digits >= 10 ** digits) digits++;
  return `${length + digits}${body}`;
}

function isAscii(text: string): boolean {
  return Buffer.byteLength(text) === text.length;
}
