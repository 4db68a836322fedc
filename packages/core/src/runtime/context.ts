import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Plan, PlannedPlugin } from '../plugin/plan.js';
import type { PluginContext, Source, Target } from '../plugin/types.js';

/** The context every plugin call gets, its logger scoped to the source or target. */
export function pluginContext(
  plan: Plan,
  planned: PlannedPlugin<Source | Target>,
  log: Logger,
  signal: AbortSignal,
): PluginContext<unknown> {
  const scope = planned.plugin.kind === 'source' ? { source: planned.name } : { target: planned.name };
  return { options: planned.options, name: planned.name, resolvePath: plan.resolvePath, log: log.child(scope), signal };
}

/** `folder /var/www (@pickup/source-folder 0.1.0)` */
export function describePlanned(plan: Plan, planned: PlannedPlugin<Source | Target>): string {
  const what = planned.plugin.describe?.(planned.options, plan.resolvePath);
  const by = `${planned.package.name} ${planned.package.version}`;
  return what ? `${what} (${by})` : by;
}

/**
 * A plugin's error as the user should read it: an `OptionError` names the config file and field
 * (`/etc/pickup/pickup.config.ts: sources[0].with.path: folder /x does not exist`).
 */
export function describePluginError(plan: Plan, planned: PlannedPlugin<Source | Target>, error: unknown): string {
  const option =
    (error as { name?: unknown; option?: unknown } | null)?.name === 'OptionError'
      ? (error as { option: string }).option
      : undefined;
  return option === undefined ? messageOf(error) : `${plan.file}: ${planned.where}.with.${option}: ${messageOf(error)}`;
}
