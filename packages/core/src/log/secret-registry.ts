/**
 * Secrets learnt while Pickup runs (a password read from a file), so that every logger blanks them like
 * the config's own. Kept on `globalThis`: a plugin that brought its own copy of the core (npm link)
 * registers into the same set the command's logger reads.
 */
interface Registry {
  secrets: Set<string>;
  listeners: Set<(secret: string) => void>;
}

const KEY = Symbol.for('pickup.secrets');

function registry(): Registry {
  const holder = globalThis as { [KEY]?: Registry };
  holder[KEY] ??= { secrets: new Set(), listeners: new Set() };
  return holder[KEY];
}

/** Blanks `secret` in every log line and message from now on. */
export function registerSecret(secret: string): void {
  if (secret === '' || registry().secrets.has(secret)) return;
  registry().secrets.add(secret);
  for (const listener of registry().listeners) listener(secret);
}

/** Every secret registered so far, and each one registered later (until the returned function is called). */
export function watchSecrets(listener: (secret: string) => void): () => void {
  for (const secret of registry().secrets) listener(secret);
  registry().listeners.add(listener);
  return () => registry().listeners.delete(listener);
}

/** Every secret registered so far. */
export function registeredSecrets(): string[] {
  return [...registry().secrets];
}
