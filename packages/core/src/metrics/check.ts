import { dirname } from 'node:path';
import { probeWritable } from '../fs/probe.js';
import type { Plan } from '../plugin/plan.js';
import { describeTextfileProblem, textfileOf } from './record.js';

/** For `pickup check`: whether the metrics textfile's folder exists and can be written; undefined without one. */
export async function checkMetricsTextfile(plan: Plan): Promise<{ ok: boolean; detail: string } | undefined> {
  const textfile = textfileOf(plan);
  if (!textfile) return undefined;
  try {
    await probeWritable(dirname(textfile));
    return { ok: true, detail: textfile };
  } catch (error) {
    return { ok: false, detail: describeTextfileProblem(plan, textfile, error) };
  }
}
