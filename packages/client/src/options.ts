import type { BackoffOptions } from './backoff.js';
import type { CloseInfo } from './close-policy.js';
import type { ResumedEvent, SessionOptions } from './session.js';
import type { SocketConstructor } from './socket.js';

/** How the client authenticates the upgrade (browsers cannot set headers on a WebSocket). */
export interface AuthOptions {
  /** Called before every connection attempt, so each reconnect gets a fresh token. */
  token: () => string | Promise<string>;
  /**
   * `query` (default): `?token=…` (read by a Lambda authorizer's `queryStringParameters`);
   * `subprotocol`: offered as the subprotocol `bearer.<token>` next to `protocols`
   * (read from `Sec-WebSocket-Protocol`; the server must answer one of `protocols`, never the token).
   */
  via?: 'query' | 'subprotocol';
  /** Query parameter name for `via: 'query'`. Default `token`. */
  param?: string;
  /** Subprotocol prefix for `via: 'subprotocol'`. Default `bearer.`. */
  prefix?: string;
}

/** Heartbeat settings. */
export interface HeartbeatSettings {
  /** Interval in ms; keep it under API Gateway's 10-minute idle timeout. Default 5 minutes. */
  intervalMs?: number;
  /** The heartbeat route key. Default `heartbeat` (`heartbeat(app)` in `@wsapp/core`). */
  action?: string;
  /**
   * With a two-way heartbeat route: how long to wait for its reply before the connection is taken
   * as dead and replaced. Default: no reply expected.
   */
  timeoutMs?: number;
}

/** What `resume` gets: requests and sends on the connection being set up. */
export interface Session {
  /** A request on the new connection (before queued messages are flushed). */
  request(action: string, body?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<unknown>;
  /** A fire-and-forget message on the new connection. */
  send(action: string, body?: Record<string, unknown>): void;
  /**
   * With the `session` option: the server's answer to this connection's resume request (whether
   * the session's channels were re-joined); `undefined` without it.
   */
  readonly resumed: ResumedEvent | undefined;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** Query parameters added to the URL of every attempt. */
  query?: Record<string, string>;
  /** Subprotocols offered (`Sec-WebSocket-Protocol`). */
  protocols?: string[];
  /** Token provider and where the token goes. */
  auth?: AuthOptions;
  /** The heartbeat; `false` turns it off. */
  heartbeat?: HeartbeatSettings | false;
  /**
   * When to replace a connection before API Gateway's 2-hour maximum: a new one is opened (and
   * `resume`d) first, then the old one is closed. Default 115 minutes.
   */
  rotateAfterMs?: number;
  /** How long a replaced connection stays open for replies still in flight. Default 5 s. */
  drainMs?: number;
  /**
   * Runs on every new connection before it carries queued or new messages, and before a replaced
   * connection is closed: re-join channels here (server-side memberships belong to a connection).
   */
  resume?: (session: Session) => unknown;
  /**
   * Server sessions (the server's `sessions` option): every connection presents the session token
   * (`?wsapp_session=…`) and sends a resume request before anything else (the answer carries the
   * next token), then asks for replay pages naming what it holds; the server re-joins the session's
   * channels at connect and replays what was missed, which is emitted before the live messages
   * that arrived meanwhile, each once. `true`: the token is kept in memory. Runs before `resume`.
   */
  session?: boolean | SessionOptions;
  /** Reconnect delays. */
  backoff?: BackoffOptions;
  /**
   * Give up after this many failed attempts in a row. A connection that closes before it was open
   * for `stableAfterMs` counts as a failed attempt (a server that accepts and closes at once is
   * retried with backoff, and at most this many times). Default: never.
   */
  maxRetries?: number;
  /** How long a connection must stay open before the failure count starts again from zero, ms. Default 5000. */
  stableAfterMs?: number;
  /** Replaces the reconnect decision (see `defaultShouldReconnect`). */
  shouldReconnect?: (info: CloseInfo) => boolean;
  /** Default `request()` timeout in ms. Default 10 s. */
  timeoutMs?: number;
  /** Messages kept while disconnected, sent in order on reconnect. Default 100. */
  queueLimit?: number;
  /** The WebSocket implementation. Default: on Node `ws` when installed, else the global `WebSocket`. */
  WebSocket?: SocketConstructor;
  /** Random source for the jitter (tests). Default `Math.random`. */
  random?: () => number;
}
