/** Turns a pino JSON line into the plain line a person reads in a terminal or in cron's mail. */

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

interface LogRecord {
  level: number;
  time?: number;
  msg?: string;
  source?: string;
  target?: string;
  err?: { message?: string; stack?: string };
}

export function formatPlain(json: string, { stacks }: { stacks: boolean }): string {
  const record = JSON.parse(json) as LogRecord;
  const level = LEVEL_NAMES[record.level] ?? String(record.level);
  const scope = record.source ? `source ${record.source}: ` : record.target ? `target ${record.target}: ` : '';
  const prefix = record.level >= 40 ? `${level}: ` : '';
  let line = `${clock(record.time)} ${prefix}${scope}${record.msg ?? ''}`;
  if (stacks && record.err?.stack) line += `\n${record.err.stack}`;
  return `${line}\n`;
}

function clock(time: number | undefined): string {
  const date = time === undefined ? new Date() : new Date(time);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
