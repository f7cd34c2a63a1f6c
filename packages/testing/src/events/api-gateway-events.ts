import type { WebSocketEvent, WebSocketRequestContext } from '@wsapp/core';
import { connectionIdLike, requestIdLike } from './ids.js';

/** Fields common to every factory; each defaults to a realistic value. */
export interface EventOptions {
  /** `requestContext.connectionId`; a fresh id in API Gateway's form by default. */
  connectionId?: string;
  /** `requestContext.requestId`; a fresh id by default. */
  requestId?: string;
  /** `requestContext.apiId`; default `a1b2c3d4e5`. */
  apiId?: string;
  /** `requestContext.stage`; default `prod`. */
  stage?: string;
  /** Defaults to `{apiId}.execute-api.{region}.amazonaws.com`. */
  domainName?: string;
  /** Region used in the default `domainName`; default `us-east-1`. */
  region?: string;
  /** `requestContext.identity.sourceIp`; default `203.0.113.10`. */
  sourceIp?: string;
  /** `requestContext.identity.userAgent` (always set on `$connect`). */
  userAgent?: string;
  /** Epoch ms the connection was opened. */
  connectedAt?: number;
  /** Epoch ms of this request; defaults to now. */
  requestTimeEpoch?: number;
  /** Lambda authorizer context; appears on every event of the connection. */
  authorizer?: Record<string, unknown>;
}

/** Options of {@link connectEvent}. */
export interface ConnectEventOptions extends EventOptions {
  /** Extra or overriding request headers, in the case the client sent them. */
  headers?: Record<string, string>;
  /** Query string parameters of the WebSocket URL. */
  query?: Record<string, string>;
  /** Offered subprotocols, sent as `Sec-WebSocket-Protocol`. */
  protocols?: string[];
}

/** Options of {@link messageEvent}. */
export interface MessageEventOptions extends EventOptions {
  /** The route API Gateway selected; defaults to `$request.body.action` of a JSON body, else `$default`. */
  routeKey?: string;
  /** Send the body as a binary frame (base64-encoded, `isBase64Encoded: true`). */
  binary?: boolean;
  /** `requestContext.messageId`; a fresh id by default. */
  messageId?: string;
}

/** Options of {@link disconnectEvent}. */
export interface DisconnectEventOptions extends EventOptions {
  /** Close code; API Gateway sends e.g. 1000, 1001, 1005, 1006. */
  statusCode?: number;
  /** Close reason; default `Client closed connection`. */
  reason?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestTime` format: `22/Nov/2026:18:58:51 +0000`. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

function requestContext(
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  o: EventOptions,
): WebSocketRequestContext {
  const apiId = o.apiId ?? 'a1b2c3d4e5';
  const now = o.requestTimeEpoch ?? Date.now();
  const identity: WebSocketRequestContext['identity'] = { sourceIp: o.sourceIp ?? '203.0.113.10' };
  if (o.userAgent !== undefined || eventType === 'CONNECT')
    identity.userAgent = o.userAgent ?? 'wsapp-test/1.0';
  const rc: WebSocketRequestContext = {
    routeKey,
    eventType,
    extendedRequestId: o.requestId ?? requestIdLike(),
    requestTime: requestTime(now),
    messageDirection: 'IN',
    stage: o.stage ?? 'prod',
    connectedAt: o.connectedAt ?? now,
    requestTimeEpoch: now,
    identity,
    requestId: o.requestId ?? requestIdLike(),
    domainName: o.domainName ?? `${apiId}.execute-api.${o.region ?? 'us-east-1'}.amazonaws.com`,
    connectionId: o.connectionId ?? connectionIdLike(),
    apiId,
  };
  if (o.authorizer !== undefined) rc.authorizer = o.authorizer;
  return rc;
}

function multiValue(values: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));
}

/** A `$connect` event as API Gateway sends it to a Lambda proxy integration. */
export function connectEvent(options: ConnectEventOptions = {}): WebSocketEvent {
  const rc = requestContext('$connect', 'CONNECT', options);
  const headers: Record<string, string> = {
    Host: rc.domainName,
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-0123456789abcdef01234567`,
    'X-Forwarded-For': rc.identity?.sourceIp ?? '203.0.113.10',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  if (options.protocols !== undefined) headers['Sec-WebSocket-Protocol'] = options.protocols.join(', ');
  Object.assign(headers, options.headers);
  const event: WebSocketEvent = {
    headers,
    multiValueHeaders: multiValue(headers),
    requestContext: rc,
    isBase64Encoded: false,
  };
  if (options.query !== undefined) {
    event.queryStringParameters = { ...options.query };
    event.multiValueQueryStringParameters = multiValue(options.query);
  }
  return event;
}

/**
 * A message event. Objects are sent as JSON text; the route key defaults to what API Gateway's
 * default selection expression `$request.body.action` picks (a custom route is assumed to exist).
 */
export function messageEvent(body: unknown, options: MessageEventOptions = {}): WebSocketEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const rc = requestContext(options.routeKey ?? defaultRouteKey(body), 'MESSAGE', options);
  rc.messageId = options.messageId ?? requestIdLike();
  return options.binary
    ? { requestContext: rc, body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true }
    : { requestContext: rc, body: text, isBase64Encoded: false };
}

/** A `$disconnect` event, with the close code and reason API Gateway reports. */
export function disconnectEvent(options: DisconnectEventOptions = {}): WebSocketEvent {
  const rc = requestContext('$disconnect', 'DISCONNECT', options);
  rc.disconnectStatusCode = options.statusCode ?? 1000;
  rc.disconnectReason = options.reason ?? 'Client closed connection';
  const headers = { Host: rc.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return { headers, multiValueHeaders: multiValue(headers), requestContext: rc, isBase64Encoded: false };
}

function defaultRouteKey(body: unknown): string {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return '$default';
    }
  }
  const action =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>).action : undefined;
  return typeof action === 'string' && action.length > 0 ? action : '$default';
}
