/** A sample's labels: `config` on every one, then `source`, `target`, `command`, `outcome` or `status`. */
export type Labels = Readonly<Record<string, string>>;

/** One line of the textfile: a metric, its labels and its value. */
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** The samples of a textfile, one per metric and labels: setting one again replaces it. */
export class SampleSet {
  readonly #samples = new Map<string, Sample>();

  constructor(samples: Iterable<Sample> = []) {
    for (const sample of samples) this.set(sample.name, sample.labels, sample.value);
  }

  set(name: string, labels: Labels, value: number): void {
    this.#samples.set(keyOf(name, labels), { name, labels: { ...labels }, value });
  }

  /** Sets a sample only where there is none yet: a time of last success stays until there is a newer one. */
  setIfAbsent(name: string, labels: Labels, value: number): void {
    if (!this.#samples.has(keyOf(name, labels))) this.set(name, labels, value);
  }

  /** Removes the samples `doomed` picks. */
  remove(doomed: (sample: Sample) => boolean): void {
    for (const [key, sample] of this.#samples) if (doomed(sample)) this.#samples.delete(key);
  }

  get all(): Sample[] {
    return [...this.#samples.values()];
  }
}

function keyOf(name: string, labels: Labels): string {
  return `${name}${labelText(labels)}`;
}

/** `{config="/etc/pickup/pickup.config.ts",source="www"}`: `config` first, then the others by name, escaped. */
export function labelText(labels: Labels): string {
  const names = Object.keys(labels).sort((a, b) => (a === 'config' ? -1 : b === 'config' ? 1 : a.localeCompare(b)));
  return `{${names.map((name) => `${name}="${escapeLabelValue(labels[name]!)}"`).join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
