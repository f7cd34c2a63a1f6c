/**
 * The logger wsapp writes to: `console` fits, and so does a Powertools `Logger`
 * (`logger.error(message, extra)` appends `extra` as structured keys: wsapp's own lines carry
 * `connectionId`, `routeKey`, `requestId` and `error`). See `appendLogKeys` for handlers' lines.
 */
export interface Logger {
  /** Something failed and needs attention (unhandled errors, store failures). */
  error(message: string, ...extra: unknown[]): void;
  /** Something looks wrong but was handled (misconfiguration, gone connections not removed). */
  warn(message: string, ...extra: unknown[]): void;
  /** Routine events worth keeping. */
  info?(message: string, ...extra: unknown[]): void;
  /** Details for troubleshooting. */
  debug?(message: string, ...extra: unknown[]): void;
}
