import { METRICS } from './catalogue.js';
import { labelText, type Sample } from './samples.js';

/**
 * The samples in Prometheus' text exposition format: each metric of the catalogue that has samples,
 * with its HELP and TYPE lines, its samples ordered by labels. Every metric is a gauge.
 */
export function formatExposition(samples: readonly Sample[]): string {
  const lines: string[] = [];
  for (const metric of METRICS) {
    const rows = samples
      .filter((sample) => sample.name === metric.name)
      .map((sample) => `${metric.name}${labelText(sample.labels)} ${formatValue(sample.value)}`)
      .sort();
    if (rows.length === 0) continue;
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} gauge`, ...rows);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
