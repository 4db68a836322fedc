import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encryptFolder } from '../encryption/encrypt-files.js';
import type { EncryptionKeys } from '../encryption/age-stream.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import { errnoCode } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Source } from '../plugin/types.js';
import { runScopeHook, type HookScope } from '../hooks/hooks.js';
import { describePluginError, pluginContext } from '../runtime/context.js';
import { formatBytes } from '../model/format.js';
import { describeFiles, type ManifestSource, type SourceFacts } from '../model/manifest.js';
import type { PluginLogger } from '../log/plugin-logger.js';
import { watchStagedBytes, type ProgressListener, type ProgressUpdate } from '../model/progress.js';
import { makePrivate, type Staging } from '../runtime/staging.js';

export interface SourceOutcome {
  entry: ManifestSource;
  /** The source failed because the staging disk is full: the whole run must stop. */
  stagingFull: boolean;
}

export interface SourceRun {
  staging: Staging;
  log: Logger;
  signal: AbortSignal;
  /** PICKUP_* variables for the source's hooks (the run's id, the config). */
  hookEnv: Record<string, string>;
  progress?: ProgressListener | undefined;
  /** Encrypt each staged file as soon as the source has finished. */
  encryption?: EncryptionKeys | undefined;
}

/**
 * Runs one source into its staging folder, between its before and after hooks. Never throws: a failed
 * source is reported, the others go on.
 */
export async function backupSource(plan: Plan, planned: PlannedPlugin<Source>, run: SourceRun): Promise<SourceOutcome> {
  const { log, signal } = run;
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
  const hooks: HookScope = {
    hooks: planned.hooks,
    of: `source ${planned.name}`,
    cwd: plan.dir,
    env: { ...run.hookEnv, PICKUP_SOURCE: planned.name },
    log: context.log,
    signal,
  };
  const outcome = await backupBetweenHooks(plan, planned, run, hooks, { ...context, warn }, entry);
  const bytes = entry.files.reduce((sum, file) => sum + file.size, 0);
  const afterProblem = await runScopeHook(hooks, 'after', {
    env: {
      PICKUP_SOURCE_STATUS: entry.status,
      PICKUP_SOURCE_FILES: String(entry.files.length),
      PICKUP_SOURCE_BYTES: String(bytes),
    },
  });
  if (afterProblem) {
    context.log.error(afterProblem);
    entry.problems.push(afterProblem);
    if (entry.status === 'ok') entry.status = 'partial';
  }
  run.progress?.({
    kind: 'source',
    name: planned.name,
    phase: entry.status === 'failed' ? 'failed' : 'done',
    stagedBytes: bytes,
  });
  return { entry: finish(entry), stagingFull: outcome.stagingFull };
}

async function backupBetweenHooks(
  plan: Plan,
  planned: PlannedPlugin<Source>,
  run: SourceRun,
  hooks: HookScope,
  context: ReturnType<typeof pluginContext> & { warn(message: string): void },
  entry: ManifestSource,
): Promise<{ stagingFull: boolean }> {
  const { staging, signal } = run;
  context.log.debug({ options: planned.options }, `starting ${planned.package.name} ${planned.package.version}`);
  let dir: string | undefined;
  let watcher: { stop(): void } | undefined;
  try {
    signal.throwIfAborted(); // interrupted while earlier sources ran: do not start this one
    run.progress?.({ kind: 'source', name: planned.name, phase: 'running' }); // its before hook is part of it
    const beforeProblem = await runScopeHook(hooks, 'before');
    if (beforeProblem) throw new HookFailed(beforeProblem);
    dir = await staging.sourceDir(planned.name);
    const report = run.progress;
    const name = planned.name;
    let reported = {};
    if (report) {
      watcher = watchStagedBytes(dir, (stagedBytes) =>
        report({ ...reported, kind: 'source', name, phase: 'running', stagedBytes }),
      );
    }
    const progress = report
      ? (update: ProgressUpdate) => {
          reported = update;
          report({ ...update, kind: 'source', name, phase: 'running' });
        }
      : () => {};
    const result = await planned.plugin.backup({ ...context, dir, progress });
    watcher?.stop(); // while files are encrypted, plaintext and ciphertext would be counted together
    await makePrivate(dir);
    const plain = run.encryption ? await encryptFolder(dir, run.encryption, signal) : undefined;
    entry.files = await describeFiles(staging.dir, dir, signal);
    if (plain) entry.files = entry.files.map((file) => ({ ...file, plain: plain.get(join(staging.dir, file.path))! }));
    const facts = factsToKeep(result?.facts, context.log);
    if (facts) entry.facts = facts;
    entry.status = entry.problems.length > 0 ? 'partial' : 'ok';
    const bytes = entry.files.reduce((sum, file) => sum + file.size, 0);
    const note = entry.status === 'partial' ? `, partial: ${entry.problems.length} problem(s) above` : '';
    context.log.info(`staged ${entry.files.length} file(s), ${formatBytes(bytes)}${note}`);
    return { stagingFull: false };
  } catch (error) {
    if (dir) await rm(dir, { recursive: true, force: true });
    entry.status = 'failed';
    entry.files = [];
    if (error instanceof HookFailed) {
      entry.problems.push(error.message);
      context.log.error(`not backed up: ${error.message}`);
      return { stagingFull: false };
    }
    const message = describePluginError(plan, planned, error);
    entry.problems.push(message);
    context.log.error({ err: error }, `failed: ${message}`);
    return { stagingFull: isDiskFull(error) };
  } finally {
    watcher?.stop();
  }
}

/** Facts bigger than this are not kept: the manifest is read whole by every list, verify and restore. */
const MAX_FACTS_BYTES = 1024 * 1024;

/** A source's facts as the manifest keeps them: plain JSON of a sane size, or none (with a warning why). */
function factsToKeep(facts: SourceFacts | undefined, log: PluginLogger): SourceFacts | undefined {
  if (facts === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(facts);
  } catch {
    // a cycle, a BigInt: the plugin's bug, told below
  }
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts) || text === undefined) {
    log.warn('the facts this source recorded are not a JSON object: not kept; a drill of this backup compares nothing');
    return undefined;
  }
  if (text.length > MAX_FACTS_BYTES) {
    log.warn(
      `the facts this source recorded take ${formatBytes(text.length)} (at most ${formatBytes(MAX_FACTS_BYTES)}): not kept; a drill of this backup compares nothing`,
    );
    return undefined;
  }
  return JSON.parse(text) as SourceFacts;
}

/** The source's before hook failed: nothing of it is backed up. */
class HookFailed extends Error {}

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
