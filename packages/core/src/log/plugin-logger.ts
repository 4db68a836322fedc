/**
 * The logger a plugin gets: the four levels, each with a message and optionally fields first, and child
 * loggers. A small interface of Pickup's own, so that the core may change what is behind it (pino today)
 * without breaking a plugin. Every line is blanked of the config's secrets and of those read from files.
 */
export interface PluginLogger {
  debug(message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
  info(message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  /** A logger whose lines carry `bindings` too (`{ database: 'shop' }`). */
  child(bindings: Record<string, unknown>): PluginLogger;
}
