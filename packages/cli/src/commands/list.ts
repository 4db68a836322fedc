import { formatBytes, pickupList, type ListedTarget, type StoredBackup } from '@pickup/core';
import type { GlobalArgs } from '../session.js';

export interface ListArgs extends GlobalArgs {
  target?: string | undefined;
  json: boolean;
}

/** `pickup list`: the core lists each target's backups, newest first; this prints them as a table or JSON. */
export async function listCommand(args: ListArgs): Promise<number> {
  const { exitCode, targets } = await pickupList(args);
  if (targets)
    process.stdout.write(
      args.json ? `${JSON.stringify({ targets: targets.map(toJson) }, null, 2)}\n` : targets.map(toTable).join('\n'),
    );
  return exitCode;
}

interface Row {
  id: string;
  time: string;
  size: string;
  sources: string;
  status: string;
}

function describe(backup: StoredBackup): Row {
  const manifest = backup.manifest;
  const bytes = manifest?.sources.flatMap((source) => source.files).reduce((sum, file) => sum + file.size, 0);
  return {
    id: backup.id,
    time: localTime(backup.time),
    size: bytes === undefined ? '-' : formatBytes(bytes),
    sources: manifest
      ? manifest.sources
          .map((source) => (source.status === 'ok' ? source.name : `${source.name} (${source.status})`))
          .join(', ')
      : '-',
    status: backup.damaged ? 'damaged' : !backup.complete ? 'incomplete' : manifest!.status,
  };
}

function toTable({ name, backups, error }: ListedTarget): string {
  if (error) return `target ${name}: cannot be listed (${error})\n`;
  if (!backups || backups.length === 0) return `target ${name}: no backups\n`;
  const rows: Row[] = [
    { id: 'ID', time: 'TIME', size: 'SIZE', sources: 'SOURCES', status: 'STATUS' },
    ...backups.map(describe),
  ];
  const keys = ['id', 'time', 'size', 'sources', 'status'] as const;
  const widths = keys.map((key) => Math.max(...rows.map((row) => row[key].length)));
  const lines = rows.map((row) =>
    keys.map((key, i) => (i === keys.length - 1 ? row[key] : row[key].padEnd(widths[i]!))).join('  '),
  );
  return `target ${name}: ${backups.filter((backup) => backup.complete).length} backup(s)\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

function toJson({ name, backups, error }: ListedTarget) {
  return {
    name,
    ...(error ? { error } : {}),
    backups: (backups ?? []).map((backup) => ({
      id: backup.id,
      time: backup.time.toISOString(),
      status: describe(backup).status,
      size:
        backup.manifest?.sources.flatMap((source) => source.files).reduce((sum, file) => sum + file.size, 0) ?? null,
      sources: backup.manifest?.sources.map((source) => ({ name: source.name, status: source.status })) ?? [],
      ...(backup.damaged ? { damaged: backup.damaged } : {}),
    })),
  };
}

/** `2026-11-26 03:00:00` in the machine's time zone. */
function localTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
