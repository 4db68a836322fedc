import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { RestoreLogin, Source } from '../plugin/types.js';
import { readSecretFile } from '../secrets/secret-file.js';
import { describePluginError, pluginContext } from './context.js';

/**
 * The scratch databases drills make are recorded in the config's staging folder while they exist, so
 * that a drill killed midway (kill -9, the OOM killer, a power cut) leaves none behind for long: the
 * next command that takes the config's lock has the source remove what is recorded.
 */
const SCRATCH_FOLDER = 'drill-scratch';
/** The letters of a scratch name's random part: every database accepts them unquoted. */
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const SCRATCH_PREFIX = 'pickup_drill_';

interface ScratchRecord {
  source: string;
  name: string;
}

/** A new scratch database name for `source`, recorded (whole, synced by rename) before it is given out. */
export function newScratchName(configStaging: string, source: string): string {
  const random = [...randomBytes(12)].map((byte) => LETTERS[byte % LETTERS.length]).join('');
  const name = `${SCRATCH_PREFIX}${random}`;
  const dir = join(configStaging, SCRATCH_FOLDER);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const record = join(dir, name);
  writeFileSync(`${record}.tmp`, `${JSON.stringify({ source, name } satisfies ScratchRecord)}\n`, { mode: 0o600 });
  renameSync(`${record}.tmp`, record);
  return name;
}

/** The scratch name is gone: its record goes too (and the folder, once empty). */
export async function forgetScratchName(configStaging: string, name: string): Promise<void> {
  const dir = join(configStaging, SCRATCH_FOLDER);
  await rm(join(dir, name), { force: true });
  await rmdir(dir).catch(() => {}); // only when empty
}

/**
 * Has each source remove the scratch databases a killed drill left (recorded by `newScratchName`).
 * One it cannot remove (the server is down) is a warning and stays recorded for the next command.
 */
export async function removeLeftoverScratch(plan: Plan, configStaging: string, log: Logger): Promise<void> {
  const dir = join(configStaging, SCRATCH_FOLDER);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const file of names) {
    if (file.endsWith('.tmp')) {
      await rm(join(dir, file), { force: true }); // killed while writing it: no name was given out
      continue;
    }
    const record = await readFile(join(dir, file), 'utf8').then(parseRecord, () => undefined);
    const planned = record && plan.sources.find((source) => source.name === record.source);
    const removeScratch = planned?.plugin.drill?.removeScratch;
    if (!record || !planned || !removeScratch) {
      log.warn(`a killed drill left ${file}, of a source this config no longer has: remove it by hand if it exists`);
      await forgetScratchName(configStaging, file);
      continue;
    }
    try {
      const login = await drillLogin(plan, planned, log);
      await removeScratch({
        ...pluginContext(plan, planned, log, new AbortController().signal),
        name: record.name,
        login,
      });
      log.warn({ source: planned.name }, `removed ${record.name}, the scratch database of a drill that was killed`);
      await forgetScratchName(configStaging, file);
    } catch (error) {
      log.warn(
        { source: planned.name },
        `could not remove ${record.name}, the scratch database of a drill that was killed (tried again next time): ${describePluginError(plan, planned, error)}`,
      );
    }
  }
}

/** Who a source's drill connects as: the config's `drill.as` with its password file, if given. */
export async function drillLogin(
  plan: Plan,
  planned: PlannedPlugin<Source>,
  log: Logger,
): Promise<RestoreLogin | undefined> {
  const drill = planned.drill;
  if (!drill) return undefined;
  if (!planned.plugin.restoreLogin)
    throw new ConfigError(
      `${plan.file}: ${planned.where}.drill.as: source ${planned.name} (${planned.package.name}) logs in to nothing to restore; leave drill out`,
    );
  if (drill.passwordFile === undefined) return { user: drill.as };
  const password = await readSecretFile(plan.resolvePath(drill.passwordFile), { log, what: 'password' }).catch(
    (error: unknown) => {
      throw new ConfigError(`${plan.file}: ${planned.where}.drill.passwordFile: ${messageOf(error)}`);
    },
  );
  return { user: drill.as, password, passwordFrom: `drill.passwordFile ${drill.passwordFile}` };
}

function parseRecord(text: string): ScratchRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<ScratchRecord>;
    return typeof record.source === 'string' &&
      typeof record.name === 'string' &&
      record.name.startsWith(SCRATCH_PREFIX)
      ? (record as ScratchRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
