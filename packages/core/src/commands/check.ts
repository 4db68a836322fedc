import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import { ExitCode, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Source, Target } from '../plugin/types.js';
import { describePlanned, describePluginError, pluginContext } from '../runtime/context.js';
import { nearestExisting, probeWritable } from '../fs/probe.js';
import { logDirOf, selectSources } from '../pipeline/run.js';
import { removeIfEmpty, stagingRootOf } from '../runtime/config-lock.js';
import { warnAboutCredentials } from '../pipeline/credentials.js';
import { warnAboutSharedStores } from '../pipeline/shared-store.js';
import { prepareConfigStaging } from '../runtime/staging.js';
import { checkNotifier } from '../notify/check.js';
import { checkMetricsTextfile } from '../metrics/check.js';
import { loadPlanEncryption, warnAboutKeys } from '../encryption/keys.js';
import { withPlan, type CommandOptions } from './session.js';

export interface CheckResult {
  /** `source www`, `target nas`, `staging`. */
  subject: string;
  ok: boolean;
  detail: string;
}

/**
 * Asks every plugin (its read-only `check`) and the staging area whether a run could work now.
 * Writes nothing but a probe folder in the staging root (unless `probeStaging` is false), removed
 * at once.
 */
export async function checkPlan(
  plan: Plan,
  log: Logger,
  signal: AbortSignal,
  { only, probeStaging = true }: { only?: readonly string[]; probeStaging?: boolean } = {},
): Promise<CheckResult[]> {
  const sources = selectSources(plan, only);
  const root = stagingRootOf(plan);
  const results: CheckResult[] = probeStaging
    ? [await checkStaging(root, plan.file), await checkLogDir(logDirOf(plan))]
    : [{ subject: 'staging', ok: true, detail: `${root} (not probed)` }];
  for (const planned of [...sources, ...plan.targets]) results.push(await checkPlugin(plan, planned, log, signal));
  await warnAboutCredentials(plan, sources, log, signal);
  warnAboutSharedStores(plan, sources, log);
  if (plan.config.encryption) results.push(await checkEncryption(plan, log));
  for (const [index, notifier] of plan.config.notify.entries()) results.push(await checkNotifier(notifier, index));
  // Probed like the staging folder: not by a dry run, which writes nothing.
  const metrics = probeStaging ? await checkMetricsTextfile(plan) : undefined;
  if (metrics) results.push({ subject: 'metrics', ...metrics });
  return results;
}

async function checkPlugin(
  plan: Plan,
  planned: PlannedPlugin<Source | Target>,
  log: Logger,
  signal: AbortSignal,
): Promise<CheckResult> {
  const subject = `${planned.plugin.kind} ${planned.name}`;
  const detail = describePlanned(plan, planned);
  try {
    await planned.plugin.check?.(pluginContext(plan, planned, log, signal));
    return { subject, ok: true, detail };
  } catch (error) {
    return { subject, ok: false, detail: describePluginError(plan, planned, error) };
  }
}

/** The recipients or the passphrase can be read and are valid: what a run would encrypt to. */
async function checkEncryption(plan: Plan, log: Logger): Promise<CheckResult> {
  await warnAboutKeys(plan, plan.config.encryption!, log);
  try {
    const encryption = await loadPlanEncryption(plan, plan.config.encryption!);
    const to =
      encryption.passphrase !== undefined
        ? 'a passphrase'
        : `${encryption.recipients.length} recipient(s): ${encryption.recipients.join(', ')}`;
    return { subject: 'encryption', ok: true, detail: `age, to ${to}` };
  } catch (error) {
    return { subject: 'encryption', ok: false, detail: messageOf(error) };
  }
}

/** The log folder need not exist yet (a run creates it): the folder it would be made in must be writable. */
async function checkLogDir(dir: string): Promise<CheckResult> {
  try {
    await probeWritable(await nearestExisting(dir));
    return { subject: 'log', ok: true, detail: dir };
  } catch (error) {
    return {
      subject: 'log',
      ok: false,
      detail: `cannot write the log folder ${dir}: ${messageOf(error)}; set log.dir in the config`,
    };
  }
}

async function checkStaging(root: string, configFile: string): Promise<CheckResult> {
  try {
    const configStaging = await prepareConfigStaging(root, configFile);
    await probeWritable(configStaging);
    await removeIfEmpty(configStaging);
    return { subject: 'staging', ok: true, detail: root };
  } catch (error) {
    return { subject: 'staging', ok: false, detail: messageOf(error) };
  }
}

/** `pickup check`: 0 when the config and every plugin are sound, 1 when a check failed, 2 for a bad config. */
export function pickupCheck(options: CommandOptions): Promise<number> {
  return withPlan(options, async (plan, log) => {
    log.info(`ok: config ${plan.file}`);
    const results = await checkPlan(plan, log, new AbortController().signal);
    for (const result of results) {
      if (result.ok) log.info(`ok: ${result.subject}: ${result.detail}`);
      else log.error(`${result.subject}: ${result.detail}`);
    }
    return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.partial;
  });
}

/** `pickup run --dry-run`: what a run would do, from the plugins' read-only checks; nothing is written. */
export function pickupDryRun(options: CommandOptions & { only?: readonly string[] | undefined }): Promise<number> {
  return withPlan(options, async (plan, log) => {
    log.info(`dry run of ${plan.file}: nothing will be written`);
    const results = await checkPlan(plan, log, new AbortController().signal, {
      only: options.only ?? [],
      probeStaging: false,
    });
    for (const result of results) {
      if (!result.ok) log.error(`${result.subject}: ${result.detail}`);
      else if (result.subject === 'staging') log.info(`would stage in ${result.detail}`);
      else if (result.subject.startsWith('notify')) log.info(`would notify: ${result.subject}: ${result.detail}`);
      else if (result.subject === 'encryption') log.info(`would encrypt with ${result.detail}`);
      else
        log.info(
          `would ${result.subject.startsWith('source') ? 'back up' : 'push to'} ${result.subject}: ${result.detail}`,
        );
    }
    return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.partial;
  });
}
