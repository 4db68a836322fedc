import { formatBytes } from '../model/format.js';
import type { BackupReport, FleetReport, HostReport, TargetReport } from './fleet-report.js';
import { formatAge, formatTable } from './table.js';

/**
 * The report as text: a headline (hosts, stale ones, the exit code's meaning), then per target a row per
 * host: its newest complete backup and age, size, sources, backups kept, what came after it, its last
 * drill. For the console and for cron mail.
 */
export function formatFleetReport(report: FleetReport): string {
  // Hosts by name, as the page counts them: a host backing up to two targets is one host.
  const hosts = new Set(report.targets.flatMap((target) => target.hosts.map((host) => host.host))).size;
  const stale = new Set(report.stale.map(({ host }) => host)).size;
  const maxAge = report.maxAge ? `, ${stale} stale (max age ${report.maxAge.text})` : '';
  const lines = [
    `report of ${hosts} host(s) at ${report.targets.length} target(s)${maxAge} (exit code ${report.exitCode}: ${report.exitMeaning})`,
  ];
  for (const target of report.targets) lines.push(...targetLines(target));
  return `${lines.join('\n')}\n`;
}

function targetLines(target: TargetReport): string[] {
  const lines = [`target ${target.name}: ${target.where}`];
  if (target.error !== undefined) return [...lines, `  cannot list its hosts: ${target.error}`];
  if (target.hosts.length === 0) return [...lines, '  no host has backups there'];
  const header = ['host', 'newest complete', 'age', 'size', 'sources', 'kept', 'after it', 'last drill'];
  const rows = target.hosts.map(hostRow);
  return [...lines, ...formatTable([header, ...rows], [2, 3, 5]).map((line) => `  ${line}`)];
}

function hostRow(host: HostReport): string[] {
  const name = `${host.host}${host.own ? ' (this)' : ''}${host.stale ? ' STALE' : ''}`;
  if (host.error !== undefined) return [name, `cannot list its backups: ${host.error}`, '', '', '', '', '', ''];
  const newest = host.newest;
  return [
    name,
    newest ? newest.id : 'none',
    host.ageSeconds === null ? '-' : host.ageSeconds < 0 ? 'in the future' : formatAge(host.ageSeconds),
    newest?.bytes == null ? '-' : formatBytes(newest.bytes),
    newest ? newest.sources.map((source) => `${source.name} ${source.status}`).join(', ') : '-',
    String(host.kept),
    host.laterProblem ? laterProblem(host.laterProblem) : '-',
    host.lastDrill ? `${host.lastDrill.at.slice(0, 16).replace('T', ' ')} ${host.lastDrill.outcome}` : '-',
  ];
}

function laterProblem(backup: BackupReport): string {
  const failedSources = backup.sources.filter((source) => source.status !== 'ok').map((source) => source.name);
  const why = backup.onlySources
    ? ` (only ${backup.onlySources.join(', ')})`
    : backup.state === 'partial' && failedSources.length > 0
      ? ` (${failedSources.join(', ')})`
      : '';
  return `${backup.id} ${backup.state}${why}`;
}
