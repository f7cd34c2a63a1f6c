import { awsPartition, type WebSocketEvent } from '@wsapp/core';
import { EventBuilder, type EventSource, type EventStamp, gatewayId } from '@wsapp/local';

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
  /** Defaults to `{apiId}.execute-api.{region}.{dnsSuffix}` (the region's partition's: `amazonaws.com`, `amazonaws.com.cn`, …). */
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

/** The connection an event belongs to, and the API it arrives through, from the options. */
function parts(
  o: EventOptions,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
): { builder: EventBuilder; source: EventSource; stamp: EventStamp; domainName: string } {
  const apiId = o.apiId ?? 'a1b2c3d4e5';
  const region = o.region ?? 'us-east-1';
  const domainName =
    o.domainName ?? `${apiId}.execute-api.${region}.${awsPartition(region)?.dnsSuffix ?? 'amazonaws.com'}`;
  const now = o.requestTimeEpoch ?? Date.now();
  const builder = new EventBuilder({ apiId, stage: o.stage ?? 'prod', domainName });
  const source: EventSource = {
    connectionId: o.connectionId ?? gatewayId(),
    connectedAt: o.connectedAt ?? now,
    sourceIp: o.sourceIp ?? '203.0.113.10',
    // API Gateway always reports the user agent on $connect; elsewhere only when given.
    userAgent: o.userAgent ?? (eventType === 'CONNECT' ? 'wsapp-test/1.0' : undefined),
    authorizer: o.authorizer,
  };
  const stamp: EventStamp = { requestTimeEpoch: now };
  if (o.requestId !== undefined) stamp.requestId = o.requestId;
  return { builder, source, stamp, domainName };
}

function multiValue(values: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));
}

/** A `$connect` event as API Gateway sends it to a Lambda proxy integration. */
export function connectEvent(options: ConnectEventOptions = {}): WebSocketEvent {
  const { builder, source, stamp, domainName } = parts(options, 'CONNECT');
  const headers: Record<string, string> = {
    Host: domainName,
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-0123456789abcdef01234567`,
    'X-Forwarded-For': source.sourceIp,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  if (options.protocols !== undefined) headers['Sec-WebSocket-Protocol'] = options.protocols.join(', ');
  Object.assign(headers, options.headers);
  const query = options.query === undefined ? undefined : { ...options.query };
  return builder.connect(
    source,
    {
      headers,
      multiValueHeaders: multiValue(headers),
      query,
      multiValueQuery: query === undefined ? undefined : multiValue(query),
    },
    stamp,
  );
}

/**
 * A message event. Objects are sent as JSON text; the route key defaults to what API Gateway's
 * default selection expression `$request.body.action` picks (a custom route is assumed to exist).
 */
export function messageEvent(body: unknown, options: MessageEventOptions = {}): WebSocketEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const { builder, source, stamp } = parts(options, 'MESSAGE');
  if (options.messageId !== undefined) stamp.messageId = options.messageId;
  const routeKey = options.routeKey ?? defaultRouteKey(body);
  return options.binary
    ? builder.message(source, routeKey, Buffer.from(text, 'utf8').toString('base64'), true, stamp)
    : builder.message(source, routeKey, text, false, stamp);
}

/** A `$disconnect` event, with the close code and reason API Gateway reports. */
export function disconnectEvent(options: DisconnectEventOptions = {}): WebSocketEvent {
  const { builder, source, stamp } = parts(options, 'DISCONNECT');
  return builder.disconnect(
    source,
    options.statusCode ?? 1000,
    options.reason ?? 'Client closed connection',
    stamp,
  );
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
