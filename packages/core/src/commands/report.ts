import { constants } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, ExitCode, PickupError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { collectSecrets, scrubStrings } from '../log/redact.js';
import { registeredSecrets } from '../log/secret-registry.js';
import { listFleetTarget } from '../backups/fleet.js';
import { selectTargets } from '../backups/stored.js';
import { parseDuration, subtractDuration } from '../model/duration.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { Target } from '../plugin/types.js';
import { buildFleetReport, type ListedTarget } from '../report/fleet-build.js';
import { formatAge } from '../report/table.js';
import type { DrillReport, FleetReport } from '../report/fleet-report.js';
import { renderFleetHtml } from '../report/fleet-html.js';
import { readLastDrills, type LastDrills } from '../runtime/last-drill.js';
import { withPlan, type CommandOptions } from './session.js';

export interface ReportRequest extends CommandOptions {
  /** Only this target (`--target`). */
  target?: string | undefined;
  /** `--max-age`: a host whose newest complete backup is older is stale (exit 1). `26h`, `2d`. */
  maxAge?: string | undefined;
  /** `--html`: where to write the report as one self-contained page. */
  html?: string | undefined;
  pickupVersion: string;
  /** Gets the report before the command ends (to print it as a table or JSON). */
  onReport?(report: FleetReport): void;
}

export interface ReportResult {
  exitCode: number;
  /** Absent when the config or the command line was wrong. */
  report?: FleetReport;
}

/**
 * `pickup report`: every host's backups at the targets several hosts share (`Target.hosts`): each one's
 * newest complete backup and its age, what came after it, how many are kept. Only reads; takes no lock,
 * so it may run while a backup does.
 */
export async function pickupReport(request: ReportRequest): Promise<ReportResult> {
  let report: FleetReport | undefined;
  const exitCode = await withPlan(request, async (plan, log) => {
    const generatedAt = new Date();
    const maxAge = request.maxAge === undefined ? undefined : maxAgeOf(request.maxAge, generatedAt);
    const page = request.html === undefined ? undefined : await writablePage(request.html);
    const lastDrills = await readLastDrills(plan.file);
    const signal = new AbortController().signal;
    const listed: ListedTarget[] = [];
    for (const planned of reportableTargets(plan, request.target, log)) {
      let target: ListedTarget;
      try {
        target = await listFleetTarget(plan, planned, log, signal);
      } catch (error) {
        // Options that name no shared store (a folder target without perHost): an error when named, else left out.
        if (request.target !== undefined || !(error instanceof ConfigError)) throw error;
        log.warn(`${error.message}: left out of the report`);
        continue;
      }
      const drill = drillAt(lastDrills, planned.name);
      listed.push(drill ? { ...target, lastDrill: drill } : target);
    }
    if (listed.length === 0) throw new ConfigError(`${plan.file}: no target can list other hosts' backups${WHICH_CAN}`);
    const built = buildFleetReport({
      generatedAt,
      config: plan.file,
      pickupVersion: request.pickupVersion,
      ...(maxAge ? { maxAge } : {}),
      targets: listed,
    });
    // It leaves the machine (a page on a web server, a monitoring system): every secret blanked, as in the logs.
    report = scrubStrings(built, [...collectSecrets(plan.config), ...registeredSecrets()]);
    tellProblems(report, log);
    if (page !== undefined) await writePage(page, report);
    request.onReport?.(report);
    return report.exitCode;
  });
  return { exitCode, ...(report ? { report } : {}) };
}

function maxAgeOf(text: string, now: Date): { text: string; seconds: number } {
  const duration = parseDuration(text);
  if (!duration)
    throw new ConfigError(
      `--max-age ${text}: not a duration; write it as 26h, 2d, 1w (h hours, d days, w weeks, m months)`,
    );
  return { text, seconds: Math.round((now.getTime() - subtractDuration(now, duration).getTime()) / 1000) };
}

/** The targets that can list every host's backups; one that cannot is an error when named, else left out with a warning. */
function reportableTargets(plan: Plan, name: string | undefined, log: Logger): PlannedPlugin<Target>[] {
  const selected = selectTargets(plan, name);
  const cannot = (planned: PlannedPlugin<Target>) =>
    `target ${planned.name} (${planned.package.name}) cannot list other hosts' backups`;
  const able = selected.filter((planned) => planned.plugin.hosts !== undefined);
  if (name !== undefined && able.length === 0)
    throw new ConfigError(`--target ${name}: ${cannot(selected[0]!)}${WHICH_CAN}`);
  for (const planned of selected) if (!planned.plugin.hosts) log.warn(`${cannot(planned)}: left out of the report`);
  return able;
}

const WHICH_CAN = '; these can: folder (with perHost), s3, restic (see docs/report.md)';

function drillAt(lastDrills: LastDrills, target: string): DrillReport | undefined {
  const drill = lastDrills[target];
  if (!drill) return undefined;
  const failed = drill.drills.filter((one) => one.status !== 'ok').length;
  return { at: drill.at, outcome: failed > 0 ? 'failure' : 'success', drills: drill.drills.length, failed };
}

/** One line on stderr for each stale host and each thing that could not be read, so cron mail says which. */
function tellProblems(report: FleetReport, log: Logger): void {
  for (const problem of report.problems) log.error(problem);
  for (const { target, host } of report.stale) {
    const found = report.targets.find((t) => t.name === target)?.hosts.find((h) => h.host === host);
    if (found?.error !== undefined) continue;
    const age = found?.ageSeconds;
    const why =
      age === null || age === undefined
        ? 'has no complete backup'
        : `has its newest complete backup ${formatAge(age)} old, over the max age of ${report.maxAge?.text}`;
    log.warn(`host ${host} at target ${target} is stale: it ${why}`);
  }
}

/** The page's path, once its folder is known to take it: a page that cannot be written must not cost the report. */
async function writablePage(file: string): Promise<string> {
  const path = resolve(file);
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw new ConfigError(`--html ${path}: cannot write the page there: ${messageOf(error)}`);
  }
  return path;
}

/** The page, written whole or not at all. */
async function writePage(file: string, report: FleetReport): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, renderFleetHtml(report));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new PickupError(`--html ${file}: cannot write the page: ${messageOf(error)}`, ExitCode.usage);
  }
}
