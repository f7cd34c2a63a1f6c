/** What the client knows when a connection ends or an attempt fails. */
export interface CloseInfo {
  /** The close code (1006 for a failed handshake or a dropped network). */
  readonly code: number;
  /** The close reason text. */
  readonly reason: string;
  /**
   * The HTTP status of a rejected handshake, when the runtime exposes it (Node's `ws` does;
   * browsers never do: they only report 1006).
   */
  readonly status?: number | undefined;
  /** Whether this connection had opened (false: the handshake failed). */
  readonly opened: boolean;
  /** Whether any connection of this client ever opened. */
  readonly everOpened: boolean;
  /** Whether the handshake failed at the network level (refused, reset, DNS), when the runtime says so. */
  readonly networkError: boolean;
}

/**
 * Close codes meaning "go away": 1000 is what API Gateway sends when the backend deleted the
 * connection (kicked), 1008 a policy close; 4401/4403 are the application's own "unauthorized" and
 * "forbidden" codes. Idle timeouts and the 2-hour maximum close with 1001 and are retried.
 */
export const FINAL_CODES: readonly number[] = [1000, 1008, 4401, 4403];

/**
 * Whether to reconnect after `info` (the default policy; `shouldReconnect` replaces it).
 * - handshake rejected with a known status: retry only 429 and 5xx (never 401/403 or other 4xx);
 * - handshake failed without a status (browsers): a network error or a failure after the client
 *   was connected before (a drop, a restarting server) is retried; a first connection that fails
 *   without a reason is taken as a rejection, since the browser hides the 401/403;
 * - an open connection closed: retried unless its code is in {@link FINAL_CODES}.
 */
export function defaultShouldReconnect(info: CloseInfo): boolean {
  if (!info.opened) {
    if (info.status !== undefined) return info.status === 429 || info.status >= 500;
    return info.networkError || info.everOpened;
  }
  return !FINAL_CODES.includes(info.code);
}
