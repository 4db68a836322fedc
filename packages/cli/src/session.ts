/** Options every command takes. */
export interface GlobalArgs {
  config?: string | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  logFormat: 'plain' | 'json';
}
