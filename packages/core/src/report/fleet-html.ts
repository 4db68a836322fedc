// `pickup report --html FILE`: the fleet report as one page that needs nothing but itself (inline CSS and SVG, no
// script; its Content-Security-Policy forbids loading anything). Every string of the report is escaped (`html`):
// host names, errors and source names come from other machines. Each host's numbers are also in data-* attributes,
// for scripts and tests.
import { formatBytes } from '../model/format.js';
import type { BackupReport, DrillReport, FleetReport, HostReport, TargetReport } from './fleet-report.js';
import { FLEET_CSS } from './fleet-style.js';
import { axisMarkup, hostChart, legendMarkup, timeAxisOf } from './fleet-svg.js';
import { formatAgo, formatUtc } from './fleet-time.js';
import { dataAttributes, Html, html } from './html.js';
import { formatAge } from './table.js';

const POLICY = "default-src 'none'; style-src 'unsafe-inline'";

export function renderFleetHtml(report: FleetReport): string {
  const footer = `Made by Pickup ${report.pickupVersion} (${report.format}). Times are UTC; ages count to ${formatUtc(report.generatedAt)}.`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<title>Pickup report: ${report.config}</title>
<style>${new Html(FLEET_CSS)}</style>
</head>
<body>
${pageHeader(report)}
<main>
${report.targets.map((target) => targetSection(target, report))}
</main>
<footer>${footer}</footer>
</body>
</html>
`;
  return page.text;
}

function pageHeader(report: FleetReport): Html {
  const hosts = new Set(report.targets.flatMap((target) => target.hosts.map((host) => host.host))).size;
  const stale = new Set(report.stale.map((entry) => entry.host)).size;
  const staleList = report.stale.map((entry) => `${entry.host} at ${entry.target}`).join(', ');
  const data = dataAttributes({ generatedAt: report.generatedAt, hosts, stale, exitCode: report.exitCode });
  const maxAge = report.maxAge
    ? html`<div class="stat"><b>${report.maxAge.text}</b>max age</div>`
    : html`<div class="stat"><b>none</b>max age (stale: no complete backup)</div>`;
  const problems = report.problems.length
    ? html`<section class="problems"><h2>${plural(report.problems.length, 'problem')}</h2>
<ul>${report.problems.map((problem) => html`<li>${problem}</li>`)}</ul></section>`
    : '';
  return html`<header class="report"${data}>
<h1>Pickup backups</h1>
<p class="meta">Config <code>${report.config}</code> · made ${formatUtc(report.generatedAt)}</p>
<div class="stats">
<div class="stat"><b>${hosts}</b>${hosts === 1 ? 'host' : 'hosts'}</div>
<div class="stat ${stale ? 'bad' : 'good'}"${staleList ? html` title="${staleList}"` : ''}><b>${stale}</b>stale</div>
${maxAge}
<div class="stat ${report.exitCode ? 'bad' : 'good'}"><b>exit ${report.exitCode}</b>${report.exitMeaning}</div>
</div>
${problems}
</header>`;
}

function targetSection(target: TargetReport, report: FleetReport): Html {
  const axis = timeAxisOf(target.hosts, report.generatedAt);
  const axisLines = axisMarkup(axis);
  const stale = target.hosts.filter((host) => host.stale).length;
  const cards = target.hosts.map((host) =>
    hostCard(target, host, report, hostChart(host, axis, axisLines, report.maxAge?.seconds)),
  );
  return html`<section class="target"${dataAttributes({ target: target.name })}>
<header><h2>${target.name}</h2><span class="plugin">${target.plugin}</span><span class="where">${target.where}</span>
<span class="where">· ${plural(target.hosts.length, 'host')}${stale ? `, ${stale} stale` : ''}</span></header>
${target.error ? html`<p class="error">Could not list its hosts: ${target.error}</p>` : ''}
${target.hosts.length ? legendMarkup(report.maxAge?.text) : ''}
${cards}
</section>`;
}

function hostCard(target: TargetReport, host: HostReport, report: FleetReport, chart: Html): Html {
  const data = dataAttributes({
    target: target.name,
    host: host.host,
    own: host.own,
    stale: host.stale,
    ageSeconds: host.ageSeconds,
    kept: host.kept,
    bytes: host.newest?.bytes,
    newest: host.newest?.id,
  });
  const badge = host.stale ? html`<span class="badge stale">STALE</span>` : html`<span class="badge fresh">OK</span>`;
  return html`<article class="host ${host.stale ? 'stale' : 'fresh'}"${data}>
<div class="facts">
<h3><span class="name">${host.host}</span>${host.own ? html`<span class="badge own">this host</span>` : ''}${badge}</h3>
${host.stale ? html`<p class="why">${staleReason(host, report)}</p>` : ''}
${host.error ? html`<p class="error">${host.error}</p>` : facts(host, report)}
</div>
${chart}
</article>`;
}

function staleReason(host: HostReport, report: FleetReport): string {
  if (host.error) return 'Its backups could not be listed.';
  if (!host.newest) return 'No complete backup.';
  return `Newest complete backup older than ${report.maxAge?.text ?? 'allowed'}.`;
}

function facts(host: HostReport, report: FleetReport): Html {
  const { newest, laterProblem } = host;
  return html`<dl>
<dt>Newest</dt><dd>${newest ? newestAge(newest, host.ageSeconds ?? 0) : html`<span class="none">no complete backup</span>`}</dd>
${newest ? html`<dt>Size</dt><dd class="bytes">${newest.bytes === null ? '?' : formatBytes(newest.bytes)}</dd>` : ''}
${newest?.sources.length ? html`<dt>Sources</dt><dd>${sourceList(newest)}</dd>` : ''}
<dt>Kept</dt><dd class="kept">${host.kept}</dd>
${laterProblem ? html`<dt>${newest ? 'Since' : 'Latest'}</dt><dd class="later">${problemBackup(laterProblem, report)}</dd>` : ''}
${host.lastDrill ? html`<dt>Drill</dt><dd class="drill">${drill(host.lastDrill, report)}</dd>` : ''}
</dl>`;
}

function newestAge(newest: BackupReport, ageSeconds: number): Html {
  const age = html`<span class="age">${formatAge(Math.abs(ageSeconds))}</span>`;
  return html`${age} ${ageSeconds < 0 ? 'ahead' : 'ago'} <span class="when">${formatUtc(newest.at)}</span>`;
}

function sourceList(backup: BackupReport): Html {
  const items = backup.sources.map((source) => {
    const status = html`<span class="status ${source.status}">${source.status}</span>`;
    return html`<li>${source.name} ${status} ${formatBytes(source.bytes)}</li>`;
  });
  return html`<ul class="sources">${items}</ul>`;
}

/** The partial, failed or damaged backup after the newest complete one: what went wrong, and when. */
function problemBackup(backup: BackupReport, report: FleetReport): Html {
  const failing = backup.sources.filter((source) => source.status !== 'ok');
  const state = html`<span class="state ${backup.state}">${backup.state}</span>`;
  return html`${state} ${ago(backup.at, report)} <span class="when">${formatUtc(backup.at)}</span>${
    failing.length ? html`<br>${failing.map((source) => `${source.name}: ${source.status}`).join(', ')}` : ''
  }${backup.problem ? html`<br>${backup.problem}` : ''}`;
}

function drill(last: DrillReport, report: FleetReport): Html {
  const outcome = html`<span class="outcome ${last.outcome}">${last.outcome}</span>`;
  const failed = last.failed ? `, ${last.failed} failed` : '';
  return html`${outcome} ${ago(last.at, report)}, ${plural(last.drills, 'drill')}${failed} <span class="when">${formatUtc(last.at)}</span>`;
}

function ago(at: string, report: FleetReport): string {
  const seconds = (Date.parse(report.generatedAt) - Date.parse(at)) / 1000;
  return Number.isNaN(seconds) ? '' : formatAgo(seconds);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
