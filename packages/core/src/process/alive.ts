import { readFileSync } from 'node:fs';
import { errnoCode } from '../errors.js';

/** Whether a process with this pid exists (someone else's counts). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** Whether a process group still has a member (someone else's counts). */
export function isGroupAlive(pgid: number): boolean {
  return isProcessAlive(-pgid); // kill(2) of a negative pid: the group
}

/** Sends `signal` to every process of a group; a group gone already is no error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone already
  }
}

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/PID/stat), to tell it from a
 * later process that got the same pid; undefined where there is no /proc or no such process.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
