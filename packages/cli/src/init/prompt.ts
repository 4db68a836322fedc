import { createInterface } from 'node:readline/promises';
import { ExitCode, PickupError } from '@pickup/core/errors';
import type { Ask } from './answers.js';

/**
 * Asks on the terminal. Ctrl-C or the end of the input rejects the question being asked (readline alone
 * would just pause on Ctrl-C), so `pickup init` stops having written nothing.
 */
export function terminalQuestions(): { ask: Ask; close(): void } {
  const lines = createInterface({ input: process.stdin, output: process.stdout });
  const stop = new AbortController();
  let reason: PickupError | undefined;
  lines.on('SIGINT', () => {
    reason = new PickupError('interrupted; nothing written', ExitCode.fatal);
    stop.abort();
  });
  lines.on('close', () => {
    reason ??= new PickupError('the input ended before every question was answered; nothing written', ExitCode.usage);
    stop.abort();
  });
  return {
    async ask(question, fallback) {
      try {
        const answer = await lines.question(`${question} [${fallback}]: `, { signal: stop.signal });
        return answer.trim() || fallback;
      } catch (error) {
        throw reason ?? error;
      }
    },
    close: () => lines.close(),
  };
}
