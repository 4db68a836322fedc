// Runs a command and measures its wall time and the peak resident memory of its process tree.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** VmRSS of a process and all its descendants, in bytes (0 once gone). */
function treeRss(pid) {
  let total = 0;
  const visit = (id) => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'));
      total += match ? Number(match[1]) * 1024 : 0;
      for (const child of readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
        visit(Number(child));
    } catch {
      // gone
    }
  };
  visit(pid);
  return total;
}

/**
 * Runs `command` once; rejects with its stderr unless it exits 0. Returns seconds, the peak RSS of
 * the process tree (sampled every 20 ms) and its stdout.
 */
export function measure(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(child.pid))), 20);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim()}`));
      else resolve({ seconds, peakRss, stdout });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs each contender `runs` times, interleaved (A B A B ...) so that drift of the machine hits both
 * alike; `prepare` runs before each measured run (clearing an output folder), unmeasured.
 * Returns the median seconds, the median peak RSS and the last result of each (and its `node`, if any).
 */
export async function compare(contenders, runs) {
  const samples = contenders.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, contender] of contenders.entries()) {
      await contender.prepare?.();
      samples[index].push(await contender.run());
    }
  }
  return contenders.map((contender, index) => ({
    label: contender.label,
    ...(contender.node ? { node: contender.node } : {}),
    seconds: median(samples[index].map((sample) => sample.seconds)),
    peakRss: median(samples[index].map((sample) => sample.peakRss)),
    last: samples[index].at(-1),
  }));
}
