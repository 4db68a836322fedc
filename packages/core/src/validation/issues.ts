import type { z } from 'zod';
import { closest } from './closest.js';
import { knownKeysAt } from './schema-keys.js';

/** `['sources', 1, 'with', 'path']` -> `sources[1].with.path` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

export interface IssueContext {
  /** Where the value checked sits in the config: `['sources', 1, 'with']` for a plugin's options. */
  prefix?: readonly PropertyKey[];
  /** The schema it was checked against, to suggest the key a misspelt one meant. */
  schema?: z.ZodType;
  /** The value checked, to tell a missing field from a wrong one. */
  input?: unknown;
}

/**
 * One line per problem, each naming the field and what to do: `sources[1].with.path: expected string,
 * received number`; `sources[1].with: unknown option "passwrodFile"; did you mean "passwordFile"?`;
 * `targets[0].with.host: is required; add it (a string)`.
 */
export function describeIssues(error: z.ZodError, context: IssueContext = {}): string[] {
  const prefix = context.prefix ?? [];
  return error.issues.flatMap((issue) => {
    const where = formatPath([...prefix, ...issue.path]) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const known = context.schema ? knownKeysAt(context.schema, issue.path) : [];
      const noun = nounFor([...prefix, ...issue.path]);
      return issue.keys.map((key) => `${where}: unknown ${noun} "${key}"; ${suggestion(key, known, noun)}`);
    }
    if (issue.code === 'invalid_type' && context.input !== undefined && isMissing(context.input, issue.path)) {
      return [`${where}: is required; add it (${article(issue.expected)})`];
    }
    return [`${where}: ${issue.message}`];
  });
}

/** What the keys at a path are called: a plugin's options, retention's rules, or the config's fields. */
function nounFor(path: readonly PropertyKey[]): string {
  if (path.includes('retention')) return 'rule';
  return path.includes('with') ? 'option' : 'field';
}

function suggestion(key: string, known: readonly string[], noun: string): string {
  const near = closest(key, known);
  if (near) return `did you mean "${near}"?`;
  return known.length > 0 ? `the ${noun}s are: ${known.join(', ')}` : `remove it`;
}

/** Whether the value at `path` is absent (its parent is there: a missing key, not a wrong value). */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
