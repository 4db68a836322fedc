import cliProgress from 'cli-progress';
import type { ProgressEvent } from '@pickup/core';
import { applyEvent, renderRow, type RowState } from './rows.js';

export interface ProgressDisplay {
  /** Folds a run's progress event into the display. */
  update(event: ProgressEvent): void;
  /** Draws the last state once more and gives the terminal back. */
  stop(): void;
}

/**
 * A live display on stderr, one line per source and target, redrawn a few times a second by
 * cli-progress. Log lines meanwhile are printed above it (`sink` is diverted while it is shown).
 */
export function startProgressDisplay(
  subjects: { sources: string[]; targets: string[] },
  sink: { divert(to: ((text: string) => void) | undefined): void },
): ProgressDisplay {
  const nameWidth = Math.max(...[...subjects.sources, ...subjects.targets].map((name) => name.length));
  const multibar = new cliProgress.MultiBar({
    stream: process.stderr,
    fps: 5,
    hideCursor: true,
    clearOnComplete: false,
    gracefulExit: false, // SIGINT is the run's to handle: it stops the run cleanly
    linewrap: false,
    // Every row drawn anew each time: log lines printed above would otherwise leave unchanged rows blank.
    forceRedraw: true,
    format: (_options, _params, payload: { row: RowState }) => renderRow(payload.row, nameWidth, Date.now()),
  });
  const rows = new Map<string, { state: RowState; bar: cliProgress.SingleBar }>();
  const add = (kind: 'source' | 'target', name: string) => {
    const state: RowState = { kind, name, phase: 'waiting' };
    rows.set(`${kind}:${name}`, { state, bar: multibar.create(1, 0, { row: state }) });
  };
  for (const name of subjects.sources) add('source', name);
  for (const name of subjects.targets) add('target', name);
  sink.divert((text) => multibar.log(`${text}\n`));
  // A second Ctrl-C exits at once: give the terminal its cursor and line wrapping back even then.
  const restoreTerminal = () => process.stderr.write('\x1b[?25h\x1b[?7h');
  process.once('exit', restoreTerminal);
  return {
    update(event) {
      const row = rows.get(`${event.kind}:${event.name}`);
      if (!row) return;
      row.state = applyEvent(row.state, event, Date.now());
      row.bar.update(0, { row: row.state });
    },
    stop() {
      process.off('exit', restoreTerminal);
      multibar.update();
      multibar.stop();
      sink.divert(undefined);
    },
  };
}
