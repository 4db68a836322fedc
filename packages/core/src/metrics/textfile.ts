import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, errnoCode, isPickupError } from '../errors.js';
import { acquireLock, type Lock } from '../runtime/lock.js';
import { writeFileAtomically } from './atomic-file.js';
import { formatExposition } from './exposition.js';
import { SampleSet, type Sample } from './samples.js';

const STATE_FORMAT = 'pickup-metrics-state/1';
/** node_exporter runs as its own user: it must read the textfile. Nothing in it is secret. */
const MODE = 0o644;

/**
 * The state beside the textfile: every sample written so far, so that a command keeps those of the
 * others (a drill keeps the run's). Not `*.prom`: node_exporter passes over it.
 */
export function stateFileOf(textfile: string): string {
  return `${textfile}.json`;
}

/**
 * Updates the textfile: reads the samples of the state file, lets `update` change them, and writes the
 * state and then the textfile, each atomically. Holds `<textfile>.lock` meanwhile: two commands (of one
 * config, or of two configs sharing the file) ending at once do not lose each other's samples.
 */
export async function updateTextfile(textfile: string, update: (samples: SampleSet) => void): Promise<void> {
  const lock = await lockTextfile(textfile);
  try {
    const samples = new SampleSet(await readState(stateFileOf(textfile)));
    update(samples);
    const state = { format: STATE_FORMAT, samples: samples.all };
    await writeFileAtomically(stateFileOf(textfile), `${JSON.stringify(state)}\n`, MODE);
    await writeFileAtomically(textfile, formatExposition(samples.all), MODE);
  } finally {
    await lock.release();
  }
}

/** The samples of the state file; none when there is none yet, or it is not one Pickup wrote (it starts anew). */
async function readState(file: string): Promise<Sample[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  let state: { format?: unknown; samples?: unknown };
  try {
    state = JSON.parse(text) as typeof state;
  } catch {
    return [];
  }
  if (state?.format !== STATE_FORMAT || !Array.isArray(state.samples)) return [];
  return state.samples.filter(isSample);
}

function isSample(value: unknown): value is Sample {
  const sample = value as Partial<Sample> | null;
  return (
    typeof sample?.name === 'string' &&
    typeof sample.value === 'number' &&
    typeof sample.labels === 'object' &&
    sample.labels !== null &&
    Object.values(sample.labels).every((label) => typeof label === 'string')
  );
}

/** Updates take milliseconds: one that finds the lock held waits for it (a lock of a killed Pickup is taken over). */
async function lockTextfile(textfile: string): Promise<Lock> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await acquireLock(`${textfile}.lock`);
    } catch (error) {
      const held = isPickupError(error) && error.exitCode === ExitCode.locked;
      if (!held || attempt >= LOCK_ATTEMPTS) throw error;
      await sleep(LOCK_WAIT_MS);
    }
  }
}

const LOCK_ATTEMPTS = 100;
const LOCK_WAIT_MS = 50;
