import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Decrypter } from 'age-encryption';
import { findBackup, selectTargets, targetHandle, type StoredBackup, type TargetHandle } from '../backups/stored.js';
import { checkFile } from '../backups/transfer.js';
import { loadDecrypter } from '../encryption/keys.js';
import { ConfigError, isPickupError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { formatBytes } from '../model/format.js';
import type { ManifestSource } from '../model/manifest.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { Source } from '../plugin/types.js';
import type { SourceDrillResult } from '../report/drill-summary.js';
import { describePluginError, pluginContext } from '../runtime/context.js';
import { drillLogin, forgetScratchName, newScratchName } from '../runtime/drill-scratch.js';
import { DRILL_FOLDER_PREFIX } from '../runtime/staging.js';
import { fetchSourceFiles } from './fetch-source.js';

export interface DrillRequest {
  /** Drill only these sources (by name); all when empty. */
  sources: readonly string[];
  /** Only this target; default: every target. */
  target?: string | undefined;
}

export interface DrillScope {
  /** The config's folder in the staging area (the lock held): the drill's scratch folders go there. */
  configStaging: string;
  log: Logger;
  signal: AbortSignal;
}

/**
 * For each source and target: the newest complete backup of the source there, fetched and checked
 * against its manifest, restored into scratch space by the source's drill and compared with what the
 * backup recorded, the scratch space removed. A source that cannot drill gets its files' checksums
 * checked. Never throws for one source or target: each result says how it went.
 */
export async function drillBackups(plan: Plan, request: DrillRequest, scope: DrillScope): Promise<SourceDrillResult[]> {
  const sources = selectDrillSources(plan, request.sources);
  const targets = selectTargets(plan, request.target);
  const decrypter = await drillDecrypter(plan);
  const results: SourceDrillResult[] = [];
  for (const plannedTarget of targets) {
    const target = targetHandle(plan, plannedTarget, scope.log, scope.signal);
    let backups: StoredBackup[] | undefined;
    let listError: string | undefined;
    try {
      backups = await target.list();
    } catch (error) {
      listError = `cannot list the backups at target ${target.name}: ${describePluginError(plan, plannedTarget, error)}`;
    }
    for (const source of sources) {
      scope.signal.throwIfAborted();
      const started = Date.now();
      const result = await drillOne(plan, source, target, backups ?? [], { ...scope, decrypter }).catch(
        (error: unknown): Omit<SourceDrillResult, 'durationMs'> => {
          if (scope.signal.aborted) throw error;
          return {
            source: source.name,
            target: target.name,
            status: 'failed',
            check: source.plugin.drill ? 'restored' : 'checksums',
            files: 0,
            bytes: 0,
            checked: '',
            problems: [listError ?? problemOf(plan, source, error)],
          };
        },
      );
      const done: SourceDrillResult = { ...result, durationMs: Date.now() - started };
      results.push(done);
      const scoped = scope.log.child({ source: source.name, target: target.name });
      if (done.status === 'ok') scoped.info(`drill of backup ${done.backup}: ${done.checked}`);
      else scoped.error(`drill${done.backup ? ` of backup ${done.backup}` : ''} failed: ${done.problems.join('; ')}`);
    }
  }
  return results;
}

interface DrillOneScope extends DrillScope {
  decrypter: Decrypter | undefined;
}

async function drillOne(
  plan: Plan,
  source: PlannedPlugin<Source>,
  target: TargetHandle,
  backups: StoredBackup[],
  scope: DrillOneScope,
): Promise<Omit<SourceDrillResult, 'durationMs'>> {
  const { backup } = findBackup(backups, 'latest', target.name, (candidate) => whyNotDrillable(candidate, source.name));
  const entry = backup.manifest!.sources.find((candidate) => candidate.name === source.name)!;
  const base = { source: source.name, target: target.name, backup: backup.id, status: 'ok' as const, problems: [] };
  const bytes = entry.files.reduce((sum, file) => sum + file.size, 0);
  const counted = { files: entry.files.length, bytes };
  try {
    return await drillBackup(plan, source, target, { backup, entry, base, counted }, scope);
  } catch (error) {
    if (scope.signal.aborted) throw error;
    const check = source.plugin.drill ? ('restored' as const) : ('checksums' as const);
    return { ...base, ...counted, status: 'failed', check, checked: '', problems: [problemOf(plan, source, error)] };
  }
}

interface DrilledBackup {
  backup: StoredBackup;
  entry: ManifestSource;
  base: { source: string; target: string; backup: string; status: 'ok'; problems: string[] };
  counted: { files: number; bytes: number };
}

async function drillBackup(
  plan: Plan,
  source: PlannedPlugin<Source>,
  target: TargetHandle,
  { backup, entry, base, counted }: DrilledBackup,
  scope: DrillOneScope,
): Promise<Omit<SourceDrillResult, 'durationMs'>> {
  const encrypted = entry.files.some((file) => file.plain);
  const drill = source.plugin.drill;
  if (!drill || (encrypted && !scope.decrypter)) {
    const why = !drill
      ? `${source.package.name} cannot restore for a drill`
      : 'the backup is encrypted: give drill.identityFile or drill.passphraseFile in the config to restore it';
    await checkChecksums(target, backup, entry, scope.signal);
    return { ...base, ...counted, check: 'checksums', checked: `checksums of ${describeCount(counted)} only: ${why}` };
  }
  const workDir = await mkdtemp(join(scope.configStaging, DRILL_FOLDER_PREFIX));
  const given: string[] = [];
  try {
    const files = await fetchSourceFiles(target, backup, entry, {
      workDir: join(workDir, 'files'),
      signal: scope.signal,
      decrypter: scope.decrypter,
    });
    const scratchDir = join(workDir, 'scratch');
    await mkdir(scratchDir, { mode: 0o700 });
    const context = pluginContext(plan, source, scope.log, scope.signal);
    const login = await drillLogin(plan, source, scope.log);
    const checked = await drill.restoreAndCheck({
      ...context,
      files,
      facts: entry.facts,
      scratchDir,
      login,
      scratchName: async () => {
        const name = newScratchName(scope.configStaging, source.name);
        given.push(name);
        return name;
      },
    });
    return { ...base, ...counted, check: 'restored', checked };
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await removeScratchGiven(plan, source, given, scope);
  }
}

/**
 * The source drops its scratch databases itself; each name given out is removed once more (a name not
 * there is no error), so that a plugin's failure to drop one never leaves it for long. One that cannot
 * be removed stays recorded for the next command.
 */
async function removeScratchGiven(
  plan: Plan,
  source: PlannedPlugin<Source>,
  names: readonly string[],
  scope: DrillScope,
): Promise<void> {
  const removeScratch = source.plugin.drill?.removeScratch;
  for (const name of names) {
    try {
      if (removeScratch) {
        const context = pluginContext(plan, source, scope.log, new AbortController().signal);
        await removeScratch({ ...context, name, login: await drillLogin(plan, source, scope.log) });
      }
      await forgetScratchName(scope.configStaging, name);
    } catch (error) {
      scope.log.warn(
        { source: source.name },
        `could not remove the drill's scratch database ${name} (tried again by the next command): ${describePluginError(plan, source, error)}`,
      );
    }
  }
}

/** Reads every file of the source's backup back and checks it against the manifest; throws at the first that differs. */
async function checkChecksums(
  target: TargetHandle,
  backup: StoredBackup,
  entry: ManifestSource,
  signal: AbortSignal,
): Promise<void> {
  for (const file of entry.files) {
    const problem = await checkFile(target, backup.id, file, signal);
    if (problem) throw new Error(`backup ${backup.id} at target ${target.name} is damaged: ${problem}`);
  }
}

/** Why a backup is not one a drill of `source` takes, or undefined when it is. */
function whyNotDrillable(backup: StoredBackup, source: string): string | undefined {
  const entry = backup.manifest?.sources.find((candidate) => candidate.name === source);
  if (!entry) return `it has no source ${source}`;
  return entry.status === 'failed' ? `source ${source} failed in it` : undefined;
}

function selectDrillSources(plan: Plan, names: readonly string[]): PlannedPlugin<Source>[] {
  if (names.length === 0) return plan.sources;
  const unknown = names.filter((name) => !plan.sources.some((source) => source.name === name));
  if (unknown.length > 0)
    throw new ConfigError(
      `--source ${unknown.join(', ')}: no such source in ${plan.file} (its sources: ${plan.sources.map((s) => s.name).join(', ')})`,
    );
  return plan.sources.filter((source) => names.includes(source.name));
}

/** The key of the config's `drill` section, if it gives one. */
async function drillDecrypter(plan: Plan): Promise<Decrypter | undefined> {
  const keys = plan.config.drill;
  if (!keys?.identityFile && !keys?.passphraseFile) return undefined;
  try {
    return await loadDecrypter({
      identityFile: keys.identityFile && plan.resolvePath(keys.identityFile),
      passphraseFile: keys.passphraseFile && plan.resolvePath(keys.passphraseFile),
    });
  } catch (error) {
    const field = keys.identityFile ? 'drill.identityFile' : 'drill.passphraseFile';
    throw new ConfigError(`${plan.file}: ${field}: ${messageOf(error).replace(/^--(identity|passphrase-file): /, '')}`);
  }
}

function problemOf(plan: Plan, source: PlannedPlugin<Source>, error: unknown): string {
  return isPickupError(error) ? messageOf(error) : describePluginError(plan, source, error);
}

function describeCount({ files, bytes }: { files: number; bytes: number }): string {
  return `${files} file(s), ${formatBytes(bytes)}`;
}
