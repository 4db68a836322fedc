import { messageOf } from '../errors.js';
import type { PluginLogger as Logger } from '../log/plugin-logger.js';
import { runHook } from './run-hook.js';
import { timeoutMs, type Hooks } from './schema.js';

export interface HookScope {
  hooks: Hooks | undefined;
  /** `run` or `source db`, for messages. */
  of: string;
  cwd: string;
  /** PICKUP_* variables every hook of this scope gets. */
  env: Record<string, string>;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Runs the `before` or `after` hook of a scope, if it has one. Resolves to the failure message (the
 * hook's last output lines are logged), or undefined when it succeeded or there is none; never throws.
 */
export async function runScopeHook(
  scope: HookScope,
  which: 'before' | 'after',
  extra: { env?: Record<string, string>; stdin?: string } = {},
): Promise<string | undefined> {
  const command = scope.hooks?.[which];
  if (!command) return undefined;
  const label = `${which} hook${scope.of === 'run' ? '' : ` of ${scope.of}`}`;
  try {
    await runHook({
      label,
      command,
      cwd: scope.cwd,
      env: { ...scope.env, PICKUP_HOOK: which, ...extra.env },
      timeoutMs: timeoutMs(scope.hooks!.timeout),
      log: scope.log,
      // An interruption stops a before hook, but not an after hook: it is what puts things back.
      signal: which === 'before' ? scope.signal : new AbortController().signal,
      ...(extra.stdin === undefined ? {} : { stdin: extra.stdin }),
    });
    scope.log.debug(`${label} succeeded`);
    return undefined;
  } catch (error) {
    return messageOf(error); // the caller logs it, saying what it means for the run or the source
  }
}
