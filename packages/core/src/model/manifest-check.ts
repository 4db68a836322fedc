import { z } from 'zod';
import { describeIssues } from '../validation/issues.js';
import { MANIFEST_FORMAT, type Manifest } from './manifest.js';

/**
 * A manifest read from a target is untrusted input: whoever holds the target (an FTP account, a bucket,
 * a backup disk) can change it. Before a path of it reaches the file system or a target plugin (which
 * may check nothing), every path, name and size is checked here.
 */
const sourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'is not a source name Pickup writes');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'is not a sha256 in hex');
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Times are shown, never used to find anything: any text will do. */
const time = z.string();

const file = z
  .object({
    path: z.string().max(4096).refine(isSafeRelativePath, 'is not a path inside the backup'),
    size,
    sha256: hex64,
    plain: z.object({ size, hmacSha256: hex64 }).optional(),
  })
  .loose();

const source = z
  .object({
    name: sourceName,
    plugin: z.string(),
    pluginVersion: z.string(),
    status: z.enum(['ok', 'partial', 'failed']),
    problems: z.array(z.string()),
    startedAt: time,
    finishedAt: time,
    files: z.array(file),
    facts: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .superRefine((entry, ctx) => {
    for (const [index, { path }] of entry.files.entries()) {
      if (!path.startsWith(`${entry.name}/`))
        ctx.addIssue({
          code: 'custom',
          path: ['files', index, 'path'],
          message: `is not in the folder of source ${entry.name}`,
        });
    }
  });

const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    runId: z.string(),
    host: z.string(),
    pickupVersion: z.string(),
    status: z.enum(['complete', 'partial']),
    onlySources: z.array(sourceName).optional(),
    startedAt: time,
    finishedAt: time,
    encryption: z
      .object({ format: z.literal('age'), recipients: z.array(z.string()), passphrase: z.boolean() })
      .loose()
      .optional(),
    sources: z.array(source),
  })
  .loose()
  .superRefine((manifest, ctx) => {
    const names = new Set<string>();
    const paths = new Set<string>();
    for (const [index, entry] of manifest.sources.entries()) {
      if (names.has(entry.name))
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `${entry.name} is there twice` });
      names.add(entry.name);
      for (const [at, { path }] of entry.files.entries()) {
        if (paths.has(path))
          ctx.addIssue({
            code: 'custom',
            path: ['sources', index, 'files', at, 'path'],
            message: `${path} is there twice`,
          });
        paths.add(path);
      }
    }
  });

/** Parses a backup's manifest and checks it whole; throws a one-line message saying what is wrong. */
export function parseManifest(text: string, id: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`its manifest is not JSON (${(error as Error).message})`);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== MANIFEST_FORMAT) throw new Error(`its manifest has an unknown format ${JSON.stringify(format)}`);
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    throw new Error(`its manifest is not valid: ${shorten(problems[0]!)}${more}`);
  }
  const manifest = parsed.data as Manifest;
  if (manifest.runId !== id) throw new Error(`its manifest describes run ${shorten(manifest.runId)}`);
  return manifest;
}

/** `www/www.tar.gz`: `/`-separated, relative, no empty, `.` or `..` part, no NUL, parts of at most 255 bytes. */
function isSafeRelativePath(path: string): boolean {
  return path
    .split('/')
    .every(
      (part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\0') && Buffer.byteLength(part) <= 255,
    );
}

/** A value from an untrusted file, quoted in a message: not a whole page of it. */
function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
