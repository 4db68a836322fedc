import type { z } from 'zod';

/** What zod keeps of a schema's definition, as far as walking to an object's keys needs. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys an object schema knows at `path` below `schema` (through optional, default, pipes, unions,
 * arrays and records), for suggesting the one a misspelt key meant. Empty where the path leads to no
 * object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current = [schema];
  for (const key of path) current = current.flatMap((candidate) => childrenOf(candidate, key));
  return [
    ...new Set(
      current.flatMap((candidate) => objectsOf(candidate).flatMap((object) => Object.keys(defOf(object).shape ?? {}))),
    ),
  ];
}

/** The object schemas a schema stands for, wrappers and union members unwrapped. */
function objectsOf(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [schema];
    case 'union':
      return (def.options ?? []).flatMap(objectsOf);
    default: {
      const inner = unwrap(def);
      return inner ? objectsOf(inner) : [];
    }
  }
}

function childrenOf(schema: z.ZodType, key: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const child = def.shape?.[String(key)];
      return child ? [child] : [];
    }
    case 'union':
      return (def.options ?? []).flatMap((option) => childrenOf(option, key));
    case 'array':
      return typeof key === 'number' && def.element ? [def.element] : [];
    case 'record':
      return def.valueType ? [def.valueType] : [];
    default: {
      const inner = unwrap(def);
      return inner ? childrenOf(inner, key) : [];
    }
  }
}

/** The schema inside a wrapper (optional, nullable, default, catch, readonly, pipe, lazy). */
function unwrap(def: Def): z.ZodType | undefined {
  return def.innerType ?? def.in ?? def.getter?.();
}
