import { ExitCode } from '../errors.js';
import type { Logger } from '../log/logger.js';

/**
 * The signal that stops a command: the caller's, and with `handleSignals` SIGINT/SIGTERM too (the first
 * stops it cleanly: staging removed, lock released; a second exits at once).
 */
export function stopSignal(
  request: { signal?: AbortSignal | undefined; handleSignals?: boolean | undefined },
  log: Logger,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const fromCaller = request.signal;
  const onCaller = () => controller.abort(fromCaller?.reason);
  if (fromCaller?.aborted) onCaller();
  fromCaller?.addEventListener('abort', onCaller, { once: true });
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.fatal);
    log.warn(`${name}: stopping; cleaning up`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  if (request.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      fromCaller?.removeEventListener('abort', onCaller);
      if (!request.handleSignals) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
