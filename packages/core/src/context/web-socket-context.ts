import type { LambdaContext, WebSocketEvent, WebSocketEventType } from '../events/event-types.js';
import type { BroadcastOptions, BroadcastReport, BroadcastTarget } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import type { HistoryPage, ReadHistoryOptions } from '../store/channel-history.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ChannelArgs } from './connection-ops.js';

/** The default shape of `ctx.state` when the app does not declare one. */
export type DefaultState = Record<string, unknown>;

/** The default shape of `ctx.authorizer` when the app does not declare one. */
export type DefaultAuthorizer = Record<string, unknown>;

/**
 * What every handler and middleware receives: the event, its parsed parts, and the operations
 * on the connection.
 *
 * @typeParam TBody - the parsed (and, with a schema, validated) message body
 * @typeParam TState - the per-request bag middleware fills for handlers
 * @typeParam TAuthorizer - the Lambda authorizer's context (`ctx.authorizer`)
 */
export interface WebSocketContext<
  TBody = unknown,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> {
  /** The raw API Gateway event. */
  readonly event: WebSocketEvent;
  /** The Lambda context, when the handler was invoked by Lambda. */
  readonly lambdaContext: LambdaContext | undefined;
  /** API Gateway's id of the connection. */
  readonly connectionId: string;
  /** The route that was dispatched: the custom route chosen in-Lambda by `routeSelection`, else the event's. */
  readonly routeKey: string;
  /** `CONNECT`, `MESSAGE` or `DISCONNECT`. */
  readonly eventType: WebSocketEventType;
  /** API Gateway's request id, for logs and support. */
  readonly requestId: string;
  /** Parsed JSON body (validated when the route has a schema); `undefined` when not JSON. */
  readonly body: TBody;
  /** The message text (base64 bodies decoded); `undefined` on events without a body. */
  readonly rawBody: string | undefined;
  /** `$connect` headers with lower-cased names (API Gateway keeps the client's case); `{}` otherwise. */
  readonly headers: Readonly<Record<string, string>>;
  /** `$connect` query string parameters; `{}` otherwise. */
  readonly query: Readonly<Record<string, string>>;
  /** The Lambda authorizer's context, present on every event once an authorizer ran on `$connect`. */
  readonly authorizer: Readonly<TAuthorizer> | undefined;
  /** The client's IP address as API Gateway saw it. */
  readonly sourceIp: string | undefined;
  /**
   * The management API endpoint replies to this connection go through: the app's `endpoint`
   * option, else the one the event implies (`endpointFromEvent`); `undefined` behind a custom
   * domain without the option. Forwarders put it in correlation envelopes.
   */
  readonly endpoint: string | undefined;
  /** Per-request bag for middleware to hand values to handlers. */
  state: TState;
  /** `$connect` only: the subprotocols the client offered in `Sec-WebSocket-Protocol`, in its order; `[]` otherwise. */
  readonly subprotocols: readonly string[];
  /**
   * `$connect` only: picks the first of `preferred` that the client offered, answers it in
   * `Sec-WebSocket-Protocol`, and returns it; returns `undefined` (and answers none) when the
   * client offered none of them, so the handler decides whether to reject.
   * Throws a 400 {@link WebSocketError} outside `$connect`.
   */
  acceptSubprotocol(...preferred: string[]): string | undefined;
  /**
   * The connection's stored record. On `$connect` (before it is recorded) answers `undefined`.
   * Needs the app's `store`.
   */
  connection(): Promise<ConnectionRecord | undefined>;
  /**
   * Adds the connection to channels. On `$connect` the channels are buffered and written with the
   * connection record in one write after the handler accepts, so a rejected connection writes nothing.
   */
  join(...channels: ChannelArgs): Promise<void>;
  /** Removes the connection from channels (buffered on `$connect`, like {@link join}). */
  leave(...channels: ChannelArgs): Promise<void>;
  /**
   * Merges `patch` into the connection's stored data (a `null` value removes a key). Buffered on
   * `$connect`, like {@link join}.
   */
  setData(patch: Record<string, unknown>): Promise<void>;
  /**
   * Sends a message to this connection through the management API: `'sent'`, or `'gone'` if it
   * closed. Not allowed during `$connect` (API Gateway answers 410 until the connection is accepted).
   */
  send(data: MessageData): Promise<'sent' | 'gone'>;
  /** Broadcasts to channels or connections (see `Messenger.broadcast`), within this invocation's deadline. */
  broadcast(target: BroadcastTarget, data: MessageData, options?: BroadcastOptions): Promise<BroadcastReport>;
  /**
   * Reads a channel's history (channels in the app's `history` option): entries after `since`, at
   * most `limit` (default and maximum 1000), with the log's `headSeq` and `oldestSeq`. Throws
   * `HistoryNotSupportedError` when the store keeps no history.
   */
  history(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage>;
}
