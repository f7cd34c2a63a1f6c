/**
 * The logger wsapp writes to: `console` fits, and so does a Powertools `Logger`
 * (`logger.error(message, extra)` appends `extra` as structured keys).
 */
export interface Logger {
  error(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  info?(message: string, ...extra: unknown[]): void;
  debug?(message: string, ...extra: unknown[]): void;
}
