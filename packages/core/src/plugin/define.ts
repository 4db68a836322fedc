import type { z } from 'zod';
import { PLUGIN_API_VERSION, type Source, type Target } from './types.js';
import type { PickupConfig } from '../config/schema.js';

/** What `defineSource` takes: a Source without its kind and API version, with its options schema. */
export type SourceDefinition<S extends z.ZodType> = Omit<Source<z.output<S>>, 'kind' | 'apiVersion' | 'options'> & {
  options: S;
};
/** What `defineTarget` takes. */
export type TargetDefinition<S extends z.ZodType> = Omit<Target<z.output<S>>, 'kind' | 'apiVersion' | 'options'> & {
  options: S;
};

/** Declares a source plugin: the default export of a `pickup-source-*` package. */
export function defineSource<S extends z.ZodType>(definition: SourceDefinition<S>): Source<z.output<S>> {
  return { ...definition, kind: 'source', apiVersion: PLUGIN_API_VERSION } as Source<z.output<S>>;
}

/** Declares a target plugin: the default export of a `pickup-target-*` package. */
export function defineTarget<S extends z.ZodType>(definition: TargetDefinition<S>): Target<z.output<S>> {
  return { ...definition, kind: 'target', apiVersion: PLUGIN_API_VERSION } as Target<z.output<S>>;
}

/** Types a `pickup.config.ts`; returns it unchanged. */
export function defineConfig(config: PickupConfig): PickupConfig {
  return config;
}
