import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { Logger } from '../log/logger.js';
import type { Source } from '../plugin/types.js';

/**
 * Warns, once per shared store (a target with `reclaim`: it keeps only what changed between backups),
 * when it is given files that change whole from one run to the next: compressed by their source, or
 * encrypted by the run. Each backup of them is then stored nearly whole.
 */
export function warnAboutSharedStores(plan: Plan, sources: readonly PlannedPlugin<Source>[], log: Logger): void {
  const compressed = sources.filter((source) => source.plugin.compressed?.(source.options) ?? false);
  const encrypted = plan.config.encryption !== undefined;
  if (compressed.length === 0 && !encrypted) return;
  for (const target of plan.targets.filter((planned) => planned.plugin.reclaim)) {
    const what = [
      ...(compressed.length > 0
        ? [
            `compressed files from ${plural(
              'source',
              compressed.map((source) => source.name),
            )}`,
          ]
        : []),
      ...(encrypted ? [`encrypted files (encryption in ${plan.file})`] : []),
    ].join(' and ');
    const fixes = [
      ...(compressed.length > 0 ? ["set compression: 'none' in their options"] : []),
      ...(encrypted ? ['leave encryption to the store'] : []),
    ].join(' and ');
    log.warn(
      `target ${target.name} keeps only what changed between backups, but gets ${what}, which change whole from one run to the next: ` +
        `each backup is stored nearly whole; ${fixes} (see the docs of ${target.plugin.name})`,
    );
  }
}

function plural(noun: string, names: readonly string[]): string {
  return `${noun}${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}
