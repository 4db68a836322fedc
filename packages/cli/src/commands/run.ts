import { resolve } from 'node:path';
import {
  buildPlan,
  checkPlan,
  collectSecrets,
  ExitCode,
  findConfigFile,
  formatSummary,
  logDirOf,
  notifyEnd,
  notifyStart,
  runBackup,
  summarizeFailure,
  summaryOf,
  type LoadedConfig,
  type Logger,
  type Plan,
  type RunReport,
  type RunSummary,
} from '@pickup/core';
import { consoleSink, startProgressDisplay, wantsProgress, type ProgressDisplay } from '../progress/display.js';
import { consoleLogger, guard, openConfig, type GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface RunArgs extends GlobalArgs {
  dryRun: boolean;
  only: string[];
  /** Print the run summary as one JSON document on stdout (and nothing else there). */
  json: boolean;
  /** Show the live display when at a terminal. */
  progress: boolean;
}

const USER_AGENT = `pickup/${version}`;

export async function runCommand(args: RunArgs): Promise<number> {
  const verbose = args.verbose ?? false;
  const startedAt = new Date();
  const sink = consoleSink();
  // With --json, stdout belongs to the document: information lines go to stderr, and only with --verbose.
  const consoleArgs = { ...args, quiet: (args.quiet ?? false) || (args.json && !verbose) };
  const streams = { stdout: args.json ? sink.stderr : sink.stdout, stderr: sink.stderr };
  const early = await consoleLogger(consoleArgs, streams);
  let loaded: LoadedConfig | undefined;
  let plan: Plan | undefined;
  let openError: unknown;
  const opened = await guard(early.log, verbose, async () => {
    try {
      loaded = await openConfig(args, early);
      plan = await buildPlan(loaded);
      return ExitCode.ok;
    } catch (error) {
      openError = error;
      throw error;
    }
  });
  if (!plan) {
    const config = loaded?.file ?? configFileOf(args);
    const summary = failureSummary({ file: config, config: loaded?.config }, startedAt, opened, openError);
    await report(summary, { args, notifiers: loaded?.config.notify ?? [], log: early.log });
    return closeWith(early, opened);
  }
  if (args.dryRun) return closeWith(early, await guard(early.log, verbose, () => dryRun(plan!, args, early.log)));

  const logDir = logDirOf(plan);
  let logger: Awaited<ReturnType<typeof consoleLogger>>;
  try {
    logger = await consoleLogger(consoleArgs, {
      file: { dir: logDir, maxSize: plan.config.log.maxSize, maxFiles: plan.config.log.maxFiles },
      secrets: collectSecrets(plan.config),
      ...streams,
    });
  } catch (error) {
    early.log.error(`cannot write the log folder ${logDir}: ${(error as Error).message}; set log.dir in ${plan.file}`);
    const summary = failureSummary(plan, startedAt, ExitCode.fatal, error);
    await report(summary, { args, notifiers: plan.config.notify, log: early.log });
    return closeWith(early, ExitCode.fatal);
  }
  const { log } = logger;
  const notifiers = plan.config.notify;
  const stop = interruptible(log);
  let display: ProgressDisplay | undefined;
  if (wantsProgress({ enabled: args.progress, quiet: consoleArgs.quiet, json: args.json })) {
    const sources = args.only.length > 0 ? args.only : plan.sources.map((source) => source.name);
    display = startProgressDisplay({ sources, targets: plan.targets.map((target) => target.name) }, sink);
  }
  let summary: RunSummary | undefined;
  let runError: unknown;
  const code = await guard(log, verbose, async () => {
    try {
      const result = await runBackup(plan!, {
        log,
        only: args.only,
        pickupVersion: version,
        signal: stop.signal,
        progress: display?.update,
        onStart: () => notifyStart(notifiers, log, USER_AGENT),
      });
      display?.stop();
      display = undefined;
      summarize(result, log);
      summary = result.summary;
      return result.exitCode;
    } catch (error) {
      runError = error;
      throw error;
    } finally {
      display?.stop();
    }
  });
  stop.dispose();
  // A run that stopped as a whole says how far it got; one that never got the lock, only why.
  summary ??= summaryOf(runError) ?? failureSummary(plan, startedAt, code, runError);
  await report(summary, { args, notifiers, log });
  await logger.close();
  return closeWith(early, code);
}

/** The summary of a run that stopped as a whole before it began, the config's secrets blanked in it. */
function failureSummary(from: { file: string; config?: object | undefined }, startedAt: Date, code: number, error: unknown): RunSummary {
  return summarizeFailure({ config: from.file, pickupVersion: version, startedAt, secrets: collectSecrets(from.config ?? {}) }, code, error);
}

/** The config file a command would load (absolute), or '' when none is found. */
function configFileOf(args: GlobalArgs): string {
  try {
    return resolve(findConfigFile({ explicit: args.config }));
  } catch {
    return '';
  }
}

/**
 * The summary on stdout (JSON with --json; a table when the run got going, after the lines that
 * said what it did), then to whoever `notify` names.
 */
async function report(
  summary: RunSummary,
  how: { args: RunArgs; notifiers: LoadedConfig['config']['notify']; log: Logger },
): Promise<void> {
  const { args } = how;
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (summary.runId && !args.quiet && args.logFormat === 'plain') process.stdout.write(formatSummary(summary));
  await notifyEnd(how.notifiers, summary, how.log, USER_AGENT);
}

async function dryRun(plan: Plan, args: RunArgs, log: Logger): Promise<number> {
  log.info(`dry run of ${plan.file}: nothing will be written`);
  const results = await checkPlan(plan, log, new AbortController().signal, { only: args.only, probeStaging: false });
  for (const result of results) {
    if (!result.ok) log.error(`${result.subject}: ${result.detail}`);
    else if (result.subject === 'staging') log.info(`would stage in ${result.detail}`);
    else if (result.subject.startsWith('notify')) log.info(`would notify: ${result.subject}: ${result.detail}`);
    else if (result.subject === 'encryption') log.info(`would encrypt with ${result.detail}`);
    else log.info(`would ${result.subject.startsWith('source') ? 'back up' : 'push to'} ${result.subject}: ${result.detail}`);
  }
  return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.partial;
}

function summarize(report: RunReport, log: Logger): void {
  const failedSources = report.manifest.sources.filter((source) => source.status !== 'ok');
  const stored = report.targets.filter((target) => target.status === 'ok');
  const failedTargets = report.targets.filter((target) => target.status === 'failed');
  if (report.exitCode === ExitCode.ok) {
    log.info(`backup ${report.runId} complete: ${report.manifest.sources.length} source(s), stored on ${stored.length} target(s)`);
    return;
  }
  const problems = [
    ...failedSources.map((source) => `source ${source.name} ${source.status}`),
    ...failedTargets.map((target) => `target ${target.name} failed`),
    ...report.targets.filter((target) => target.pruneError).map((target) => `target ${target.name} retention failed`),
    ...report.summary.problems.flatMap((problem) => (/^(before|after) hook\b/.exec(problem) ? [`${problem.split(' ')[0]} hook failed`] : [])),
  ];
  const where = stored.length > 0 ? `stored on ${stored.map((target) => target.name).join(', ')}` : 'stored nowhere';
  const how = stored.length > 0 ? 'partly failed' : 'failed';
  log.warn(`backup ${report.runId} ${how} (${problems.join(', ')}); ${where}; exit code ${report.exitCode}`);
}

/** SIGINT/SIGTERM stop the run cleanly (staging removed, lock released); a second one exits at once. */
function interruptible(log: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.fatal);
    log.warn(`${name}: stopping; cleaning up`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function closeWith(logger: { close(): Promise<void> }, code: number): Promise<number> {
  await logger.close();
  return code;
}
