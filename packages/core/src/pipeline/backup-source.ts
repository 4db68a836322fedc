import { rm } from 'node:fs/promises';
import type { Plan, PlannedPlugin } from '../config/plan.js';
import { errnoCode, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Source } from '../plugin/types.js';
import { describePluginError, pluginContext } from './context.js';
import { formatBytes } from './format.js';
import { describeFiles, type ManifestSource } from './manifest.js';
import type { Staging } from './staging.js';

export interface SourceOutcome {
  entry: ManifestSource;
  /** The source failed because the staging disk is full: the whole run must stop. */
  stagingFull: boolean;
}

/** Runs one source into its staging folder. Never throws: a failed source is reported, the others go on. */
export async function backupSource(
  plan: Plan,
  planned: PlannedPlugin<Source>,
  staging: Staging,
  log: Logger,
  signal: AbortSignal,
): Promise<SourceOutcome> {
  const context = pluginContext(plan, planned, log, signal);
  const entry: ManifestSource = {
    name: planned.name,
    plugin: planned.package.name,
    pluginVersion: planned.package.version,
    status: 'ok',
    problems: [],
    startedAt: new Date().toISOString(),
    finishedAt: '',
    files: [],
  };
  const warn = (message: string) => {
    entry.problems.push(message);
    context.log.warn(message);
  };
  context.log.debug({ options: planned.options }, `starting ${planned.package.name} ${planned.package.version}`);
  let dir: string | undefined;
  try {
    signal.throwIfAborted(); // interrupted while earlier sources ran: do not start this one
    dir = await staging.sourceDir(planned.name);
    await planned.plugin.backup({ ...context, dir, warn });
    entry.files = await describeFiles(staging.dir, dir, signal);
    entry.status = entry.problems.length > 0 ? 'partial' : 'ok';
    const bytes = entry.files.reduce((sum, file) => sum + file.size, 0);
    const note = entry.status === 'partial' ? `, partial: ${entry.problems.length} problem(s) above` : '';
    context.log.info(`staged ${entry.files.length} file(s), ${formatBytes(bytes)}${note}`);
    return { entry: finish(entry), stagingFull: false };
  } catch (error) {
    if (dir) await rm(dir, { recursive: true, force: true });
    entry.status = 'failed';
    entry.files = [];
    const message = describePluginError(plan, planned, error);
    entry.problems.push(message);
    context.log.error({ err: error }, `failed: ${message}`);
    return { entry: finish(entry), stagingFull: isDiskFull(error) };
  }
}

function finish(entry: ManifestSource): ManifestSource {
  entry.finishedAt = new Date().toISOString();
  return entry;
}

function isDiskFull(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (errnoCode(cause) === 'ENOSPC' || errnoCode(cause) === 'EDQUOT') return true;
  }
  return false;
}
