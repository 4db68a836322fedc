import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childEnded, failureMessage, howItEnded, lineSplitter, OutputTail } from '../src/process/child-result.js';

/** Runs a shell line, keeping the end of its stderr and logging its lines as they come. */
async function run(script: string, keep = 4000) {
  const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tail = new OutputTail(keep);
  const logged: string[] = [];
  const lines = lineSplitter((line) => logged.push(line));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    tail.add(chunk);
    lines.write(chunk);
  });
  const end = await childEnded(child, 'close');
  lines.end();
  return { end, tail, logged };
}

describe('what a child leaves for its messages', () => {
  it('says how it exited and ends with its last line, as pg_dump or sendmail fail', async () => {
    const { end, tail, logged } = await run(
      'echo one >&2; echo >&2; echo two >&2; printf "three, no newline" >&2; exit 3',
    );
    expect(end).toEqual({ code: 3, signal: null });
    expect(failureMessage('tool', howItEnded(end), tail.lastLines(1)[0])).toBe(
      'tool exited with code 3: three, no newline',
    );
    expect(tail.lastLines(3)).toEqual(['', 'two', 'three, no newline']);
    expect(logged).toEqual(['one', 'two', 'three, no newline']);
  });

  it('says which signal killed it, without a colon when it wrote nothing', async () => {
    const { end, tail } = await run('kill -TERM $$');
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
    expect(tail.lastLines(3)).toEqual([]);
    expect(failureMessage('tool', howItEnded(end), tail.lastLines(1)[0])).toBe('tool was killed by SIGTERM');
  });

  it('keeps only the end of a long output, and logs each of its lines', async () => {
    const { tail, logged } = await run('for i in $(seq 1 3000); do echo "line $i" >&2; done', 100);
    expect(tail.text.length).toBe(100);
    expect(tail.lastLines(2)).toEqual(['line 2999', 'line 3000']);
    expect(logged).toEqual(Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`));
  });

  it('cuts text that comes in pieces into lines where its newlines are', () => {
    const logged: string[] = [];
    const lines = lineSplitter((line) => logged.push(line));
    for (const piece of ['fir', 'st\nsec', 'ond\n', '\n  \nla', 'st']) lines.write(piece);
    expect(logged).toEqual(['first', 'second']);
    lines.end();
    expect(logged).toEqual(['first', 'second', 'last']);
  });

  it('rejects with the error of a program that cannot start', async () => {
    const child = spawn('/nonexistent/tool', [], { stdio: 'ignore' });
    await expect(childEnded(child, 'exit')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
