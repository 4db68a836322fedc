import { spawnSync } from 'node:child_process';

/** One sample of a metrics textfile, as Prometheus' own parser reads it. */
export interface ParsedSample {
  family: string;
  type: string;
  help: string;
  name: string;
  labels: Record<string, string>;
  value: number;
}

// prometheus_client's parser (Debian: python3-prometheus-client, scripts/install-test-deps.sh): it refuses
// what the text exposition format does not allow.
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1], encoding='utf-8').read()
print(json.dumps([
    {'family': f.name, 'type': f.type, 'help': f.documentation, 'name': s.name, 'labels': s.labels, 'value': s.value}
    for f in text_string_to_metric_families(text) for s in f.samples
]))
`;

/** The samples of a textfile, parsed by prometheus_client; throws what the parser says of a bad file. */
export function parseTextfile(file: string): ParsedSample[] {
  // Debian's Python: the one python3-prometheus-client installs for.
  const parsed = spawnSync('/usr/bin/python3', ['-c', PARSE, file], { encoding: 'utf8' });
  if (parsed.error || parsed.status !== 0)
    throw new Error(`prometheus_client cannot parse ${file}: ${parsed.error?.message ?? parsed.stderr.trim()}`);
  return JSON.parse(parsed.stdout) as ParsedSample[];
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(
  samples: ParsedSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
