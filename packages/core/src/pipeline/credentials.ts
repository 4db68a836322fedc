import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { Logger } from '../log/logger.js';
import type { Source } from '../plugin/types.js';
import { pluginContext } from '../runtime/context.js';

/**
 * Warns, once per source, when a file that opens other systems (password hashes) would go unencrypted
 * to a target on another machine that does not encrypt it itself: names the source, the file, the targets and the two ways out.
 */
export async function warnAboutCredentials(
  plan: Plan,
  sources: readonly PlannedPlugin<Source>[],
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  if (plan.config.encryption) return;
  const remote = plan.targets.filter(
    (target) =>
      (target.plugin.remote?.(target.options) ?? true) && !(target.plugin.encrypts?.(target.options) ?? false),
  );
  if (remote.length === 0) return;
  const to =
    remote.length === 1 ? `target ${remote[0]!.name}` : `targets ${remote.map((target) => target.name).join(', ')}`;
  for (const source of sources) {
    if (!source.plugin.credentials) continue;
    const held = await source.plugin.credentials(pluginContext(plan, source, log, signal)).catch(() => undefined);
    if (!held) continue;
    log.warn(
      `source ${source.name}: ${held.file} holds ${held.holds} and goes unencrypted to ${to}, on another machine; ` +
        `encrypt the backups (encryption in ${plan.file}; see the Pickup docs: docs/encryption.md) or leave them out (${held.leaveOut} in ${source.where}.with)`,
    );
  }
}
