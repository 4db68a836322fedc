/**
 * A run's id: its start in UTC, sortable as text and safe as a folder name on any target
 * (no `:`), to the millisecond so that two runs never share one: `2026-11-26T135137.482Z`.
 */
export function makeRunId(date: Date): string {
  const iso = date.toISOString(); // 2026-11-26T13:51:37.482Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 23)}Z`;
}

const RUN_ID = /^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2}\.\d{3})Z$/;

export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}

/** The time a run id stands for. */
export function runIdTime(runId: string): Date {
  const match = RUN_ID.exec(runId);
  if (!match) throw new Error(`not a run id: ${runId}`);
  return new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`);
}
