import { readFileSync } from 'node:fs';

/** This package's version, as published. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
