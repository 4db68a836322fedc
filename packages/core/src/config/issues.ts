import type { z } from 'zod';

/** `['sources', 1, 'with', 'path']` -> `sources[1].with.path` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** One line per zod issue, each naming the field: `sources[1].with.path: expected string, received number`. */
export function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const where = formatPath([...prefix, ...issue.path]) || '(top level)';
    return `${where}: ${issue.message}`;
  });
}
