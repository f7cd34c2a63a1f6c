/**
 * The logger wsapp writes to: `console` fits, and so does a Powertools `Logger`
 * (`logger.error(message, extra)` appends `extra` as structured keys: wsapp's own lines carry
 * `connectionId`, `routeKey`, `requestId` and `error`). See `appendLogKeys` for handlers' lines.
 */
export interface Logger {
  error(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  info?(message: string, ...extra: unknown[]): void;
  debug?(message: string, ...extra: unknown[]): void;
}
