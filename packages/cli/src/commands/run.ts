import { checkPlan, collectSecrets, ExitCode, logDirOf, runBackup, type Logger, type Plan, type RunReport } from '@pickup/core';
import { consoleLogger, guard, openPlan, type GlobalArgs } from '../session.js';
import { version } from '../version.js';

export interface RunArgs extends GlobalArgs {
  dryRun: boolean;
  only: string[];
}

export async function runCommand(args: RunArgs): Promise<number> {
  const verbose = args.verbose ?? false;
  const early = await consoleLogger(args);
  let plan: Plan | undefined;
  const opened = await guard(early.log, verbose, async () => {
    plan = await openPlan(args, early);
    return ExitCode.ok;
  });
  if (!plan) return closeWith(early, opened);
  if (args.dryRun) return closeWith(early, await guard(early.log, verbose, () => dryRun(plan!, args, early.log)));

  const logDir = logDirOf(plan);
  let logger;
  try {
    logger = await consoleLogger(args, {
      file: { dir: logDir, maxSize: plan.config.log.maxSize, maxFiles: plan.config.log.maxFiles },
      secrets: collectSecrets(plan.config),
    });
  } catch (error) {
    early.log.error(`cannot write the log folder ${logDir}: ${(error as Error).message}; set log.dir in ${plan.file}`);
    return closeWith(early, ExitCode.fatal);
  }
  const { log } = logger;
  const stop = interruptible(log);
  const code = await guard(log, verbose, async () => {
    const report = await runBackup(plan!, { log, only: args.only, pickupVersion: version, signal: stop.signal });
    summarize(report, log);
    return report.exitCode;
  });
  stop.dispose();
  await logger.close();
  return closeWith(early, code);
}

async function dryRun(plan: Plan, args: RunArgs, log: Logger): Promise<number> {
  log.info(`dry run of ${plan.file}: nothing will be written`);
  const results = await checkPlan(plan, log, new AbortController().signal, { only: args.only, probeStaging: false });
  for (const result of results) {
    if (!result.ok) log.error(`${result.subject}: ${result.detail}`);
    else if (result.subject === 'staging') log.info(`would stage in ${result.detail}`);
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
  ];
  const where = stored.length > 0 ? `stored on ${stored.map((target) => target.name).join(', ')}` : 'stored nowhere';
  log.warn(`backup ${report.runId} partly failed (${problems.join(', ')}); ${where}; exit code ${report.exitCode}`);
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
