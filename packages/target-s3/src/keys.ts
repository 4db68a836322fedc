import { checkedBackupId, checkedBackupPath } from '@pickup/core/plugin';

/** Object keys of a host's backups: `<prefix>/<runId>/<path>`, the manifest last of them. */
export function runPrefix(prefix: string, id: string): string {
  return `${prefix}/${checkedBackupId(id)}/`;
}

export function objectKey(prefix: string, id: string, path: string): string {
  return `${runPrefix(prefix, id)}${checkedBackupPath(path)}`;
}

/** The run id a key under `<prefix>/` belongs to, and the rest of its key. */
export function splitKey(prefix: string, key: string): { id: string; path: string } | undefined {
  if (!key.startsWith(`${prefix}/`)) return undefined;
  const rest = key.slice(prefix.length + 1);
  const slash = rest.indexOf('/');
  return slash <= 0 ? undefined : { id: rest.slice(0, slash), path: rest.slice(slash + 1) };
}
