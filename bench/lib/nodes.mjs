// The Node versions Pickup's contenders run on: this process's own, others through npx (node@N from the
// registry, cached after the first time).
import { spawnSync } from 'node:child_process';

const ownMajor = Number(process.versions.node.split('.')[0]);

/** The executable of Node `major`, or why there is none. */
function resolve(major) {
  if (major === ownMajor) return { path: process.execPath };
  const found = spawnSync('npx', ['-y', `node@${major}`, '-e', 'console.log(process.execPath)'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const path = found.stdout?.trim().split('\n').at(-1);
  if (found.status !== 0 || !path) {
    return {
      problem: `npx -y node@${major} failed: ${(found.error?.message ?? found.stderr ?? '').trim().slice(-300)}`,
    };
  }
  return { path };
}

/**
 * The Node versions of `list` ("20,24"): `{ major, version, path }` of each found, and a line for each
 * that is not. Their order is the list's.
 */
export function resolveNodes(list) {
  const nodes = [];
  const missing = [];
  for (const major of list.split(',').map((item) => Number(item.trim()))) {
    if (!Number.isInteger(major) || major < 1) throw new Error(`--node ${list}: give Node major versions, e.g. 20,24`);
    const { path, problem } = resolve(major);
    if (problem) {
      missing.push(`Node ${major}: skipped, ${problem}`);
      continue;
    }
    const version = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (Number(version.split('.')[0]) !== major) {
      missing.push(`Node ${major}: skipped, ${path} is Node ${version}`);
      continue;
    }
    nodes.push({ major, version, path });
  }
  return { nodes, missing };
}
