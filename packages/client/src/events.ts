import type { CloseInfo } from './close-policy.js';
import type { GapEvent, ResumedEvent } from './session.js';

/** The `open` event. */
export interface OpenEvent {
  /** A connection opened after a loss (not the first one, not a planned replacement). */
  readonly reconnected: boolean;
  /** A planned replacement before the 2-hour maximum (make-before-break). */
  readonly rotated: boolean;
  /** The subprotocol the server chose (`''` for none). */
  readonly protocol: string;
}

/** The `close` event. */
export interface CloseEvent extends CloseInfo {
  /** Whether the client tries again (`false`: it is closed for good). */
  readonly willReconnect: boolean;
}

/** The `reconnecting` event. */
export interface ReconnectingEvent {
  /** 1 for the first retry after a loss, counting up while attempts fail. */
  readonly attempt: number;
  /** The jittered delay before this attempt. */
  readonly delayMs: number;
}

/** The `error` event: something failed that the client does not retry by reconnecting. */
export interface ErrorEvent {
  /** The error (a `ClientError` for a refused or timed-out request). */
  readonly error: unknown;
  /**
   * What failed: the session's resume request (`resume`), a replay page (`replay`: the missed
   * messages not fetched are asked for again at the next resume), or the `resume` option's hook
   * (`resume-hook`). The connection stays up.
   */
  readonly during: 'resume' | 'replay' | 'resume-hook';
}

/** Events of {@link WebSocketClient}. */
export interface ClientEvents<TPush> {
  /** A connection is ready (resumed, queue flushed): the first, a reconnect, or a planned replacement. */
  open: OpenEvent;
  /** The connection closed; `willReconnect` says whether the client tries again. */
  close: CloseEvent;
  /** A reconnect attempt is scheduled after `delayMs`. */
  reconnecting: ReconnectingEvent;
  /**
   * A message the server pushed (JSON parsed; other text as is). Replies to requests are not emitted.
   * With `session`, history frames keep their `$mid` and `$seq` fields (and `$replay: true` when replayed).
   */
  message: TPush;
  /**
   * With `session`: a new connection's session is resumed (or started) and its missed messages
   * were emitted, replay page by replay page; emitted before the live ones that arrived meanwhile.
   */
  resumed: ResumedEvent;
  /** With `session`: a channel's history no longer holds everything missed (one event per channel and page). */
  gap: GapEvent;
  /** A failure that does not close the connection (see {@link ErrorEvent}). */
  error: ErrorEvent;
}

/** The client's state. */
export type ClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Per-request options. */
export interface RequestOptions {
  /** Reject with a `Timeout` {@link ClientError} after this long. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
}
