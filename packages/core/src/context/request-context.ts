import { takeCorrelationId } from '../correlation/correlation-id.js';
import { SendDuringConnectError } from '../errors/app-errors.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import type { LambdaContext, WebSocketEvent, WebSocketEventType } from '../events/event-types.js';
import { NOT_JSON, parseJson } from '../events/read-body.js';
import type { Messenger } from '../messaging/messenger.js';
import type { BroadcastOptions, BroadcastReport, BroadcastTarget } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import type { HistoryPage, ReadHistoryOptions } from '../store/channel-history.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { type ChannelArgs, flattenChannels, PendingConnection, requireStore } from './connection-ops.js';
import type { DefaultAuthorizer, DefaultState, WebSocketContext } from './web-socket-context.js';

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
const NONE: readonly string[] = Object.freeze([]);

/** What the app shares with every context it creates. */
export interface AppServices {
  readonly store: ConnectionStore | undefined;
  /** Whether `$connect`/`$disconnect` register and unregister connections automatically. */
  readonly tracking: boolean;
  /** The app's messenger, created on first use. */
  messenger(): Messenger;
  /** The management endpoint for calls made while handling `event`. */
  endpointFor(event: WebSocketEvent): string | undefined;
  /** The app's join policy, if any. */
  readonly authorizeJoin:
    | ((ctx: WebSocketContext<unknown, object, object>, channel: string) => boolean | Promise<boolean>)
    | undefined;
  /** Reads a channel's history (`ctx.history`). */
  history(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage>;
  /** With `sessions`: what joins and leaves of a connection also record about its session. */
  sessions?: SessionHooks;
}

/** What `ctx.join`/`ctx.leave` tell the app's sessions (where the session starts in a history channel). */
export interface SessionHooks {
  /** Before the membership write of a join. */
  joining(ctx: RequestContext<unknown, object, object>, channels: readonly string[]): Promise<void>;
  /** After the membership removal of a leave. */
  left(ctx: RequestContext<unknown, object, object>, channels: readonly string[]): Promise<void>;
}

/**
 * The context object handed to middleware and handlers. Fields that cost work (headers, query,
 * JSON body) are computed on first read, so routes that ignore them pay nothing.
 */
export class RequestContext<
  TBody = unknown,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> implements WebSocketContext<TBody, TState, TAuthorizer>
{
  readonly event: WebSocketEvent;
  readonly lambdaContext: LambdaContext | undefined;
  readonly connectionId: string;
  readonly routeKey: string;
  readonly eventType: WebSocketEventType;
  readonly requestId: string;
  readonly rawBody: string | undefined;
  /** The subprotocol chosen with {@link acceptSubprotocol}, answered in the `$connect` response. */
  subprotocol: string | undefined;
  /** On a tracked `$connect`: what the handler joined and set, written on acceptance. */
  readonly pending: PendingConnection | undefined;
  readonly #services: AppServices;

  #state: TState | undefined;
  #parsed: unknown = undefined;
  #parsedSet = false;
  #headers: Record<string, string> | undefined;
  #query: Readonly<Record<string, string>> | undefined;

  constructor(
    event: WebSocketEvent,
    lambdaContext: LambdaContext | undefined,
    routeKey: string,
    rawBody: string | undefined,
    services: AppServices,
  ) {
    const rc = event.requestContext;
    this.event = event;
    this.lambdaContext = lambdaContext;
    this.connectionId = rc.connectionId;
    this.routeKey = routeKey;
    this.eventType = rc.eventType as WebSocketEventType;
    this.requestId = typeof rc.requestId === 'string' ? rc.requestId : '';
    this.rawBody = rawBody;
    this.subprotocol = undefined;
    this.#services = services;
    this.pending = services.tracking && rc.eventType === 'CONNECT' ? new PendingConnection() : undefined;
  }

  /** Per-request bag for middleware; created on first read (most requests never touch it). */
  get state(): TState {
    if (this.#state === undefined) this.#state = {} as TState;
    return this.#state;
  }

  set state(value: TState) {
    this.#state = value;
  }

  /** The parsed body, or {@link NOT_JSON}; parsed once. */
  parsedBody(): unknown {
    if (!this.#parsedSet) {
      this.#parsed = parseJson(this.rawBody);
      this.#parsedSet = true;
      takeCorrelationId(this.event, this.#parsed);
    }
    return this.#parsed;
  }

  /** Sets the parsed body: a schema's validated output, or a parse already done for route selection. */
  setBody(value: unknown): void {
    this.#parsed = value;
    this.#parsedSet = true;
  }

  get body(): TBody {
    const parsed = this.parsedBody();
    return (parsed === NOT_JSON ? undefined : parsed) as TBody;
  }

  /** Replaces `query` / `headers` with a `$connect` schema's validated output. */
  setConnectInput(part: 'query' | 'headers', value: unknown): void {
    if (part === 'query') this.#query = value as Record<string, string>;
    else this.#headers = value as Record<string, string>;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === undefined) this.#headers = lowerCaseKeys(this.event.headers);
    return this.#headers;
  }

  get query(): Readonly<Record<string, string>> {
    if (this.#query === undefined) this.#query = stringRecord(this.event.queryStringParameters) ?? EMPTY;
    return this.#query;
  }

  get authorizer(): Readonly<TAuthorizer> | undefined {
    const authorizer = this.event.requestContext.authorizer;
    return typeof authorizer === 'object' && authorizer !== null ? (authorizer as TAuthorizer) : undefined;
  }

  get endpoint(): string | undefined {
    return this.#services.endpointFor(this.event);
  }

  get sourceIp(): string | undefined {
    const ip = this.event.requestContext.identity?.sourceIp;
    return typeof ip === 'string' ? ip : undefined;
  }

  get subprotocols(): readonly string[] {
    if (this.eventType !== 'CONNECT') return NONE;
    const header = this.headers['sec-websocket-protocol'];
    if (header === undefined) return NONE;
    return header
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
  }

  acceptSubprotocol(...preferred: string[]): string | undefined {
    if (this.eventType !== 'CONNECT') {
      throw new WebSocketError(400, 'acceptSubprotocol() is only allowed on $connect', { expose: false });
    }
    const offered = this.subprotocols;
    const chosen = preferred.find((name) => offered.includes(name));
    this.subprotocol = chosen;
    return chosen;
  }

  async connection(): Promise<ConnectionRecord | undefined> {
    const store = requireStore(this.#services.store, 'connection');
    return this.pending === undefined ? store.get(this.connectionId) : undefined;
  }

  async join(...channels: ChannelArgs): Promise<void> {
    const list = flattenChannels(channels);
    const policy = this.#services.authorizeJoin;
    if (policy !== undefined) {
      for (const channel of list) {
        if ((await policy(this, channel)) !== true) {
          throw new WebSocketError(403, `Not allowed to join ${JSON.stringify(channel)}`);
        }
      }
    }
    if (this.pending !== undefined) return this.pending.join(list);
    const store = requireStore(this.#services.store, 'join');
    await this.#services.sessions?.joining(this as RequestContext<unknown, object, object>, list);
    await store.join(this.connectionId, list);
  }

  async leave(...channels: ChannelArgs): Promise<void> {
    const list = flattenChannels(channels);
    if (this.pending !== undefined) return this.pending.leave(list);
    await requireStore(this.#services.store, 'leave').leave(this.connectionId, list);
    await this.#services.sessions?.left(this as RequestContext<unknown, object, object>, list);
  }

  async setData(patch: Record<string, unknown>): Promise<void> {
    if (this.pending !== undefined) return this.pending.setData(patch);
    await requireStore(this.#services.store, 'setData').update(this.connectionId, patch);
  }

  async send(data: MessageData): Promise<'sent' | 'gone'> {
    if (this.eventType === 'CONNECT') {
      throw new SendDuringConnectError();
    }
    const endpoint = this.#services.endpointFor(this.event);
    return this.#services.messenger().send(this.connectionId, data, this.#callOptions(endpoint));
  }

  async broadcast(
    target: BroadcastTarget,
    data: MessageData,
    options: BroadcastOptions = {},
  ): Promise<BroadcastReport> {
    const endpoint = this.#services.endpointFor(this.event);
    return this.#services.messenger().broadcast(target, data, { ...this.#callOptions(endpoint), ...options });
  }

  history(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage> {
    return this.#services.history(channel, options);
  }

  #callOptions(endpoint: string | undefined): {
    endpoint?: string;
    lambdaContext?: LambdaContext;
    waitForConnecting?: false;
  } {
    return {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(this.lambdaContext === undefined ? {} : { lambdaContext: this.lambdaContext }),
      // A $connect waiting for another connection's acceptance could wait for one waiting for it;
      // a $disconnect (whose record goes once it returns) for one waiting for its record to go.
      ...(this.eventType === 'MESSAGE' ? {} : { waitForConnecting: false as const }),
    };
  }
}

function lowerCaseKeys(headers: WebSocketEvent['headers']): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (typeof headers !== 'object' || headers === null) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}

function stringRecord(values: WebSocketEvent['queryStringParameters']): Record<string, string> | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  const out: Record<string, string> = Object.create(null);
  for (const name of Object.keys(values)) {
    const value = values[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
