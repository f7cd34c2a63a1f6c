/**
 * The Lambda proxy event shapes API Gateway sends for WebSocket routes. They are structurally
 * compatible with `@types/aws-lambda` (`APIGatewayProxyWebsocketEventV2` and its connect /
 * disconnect variants), so events typed with those definitions are accepted without a dependency.
 */

/** `requestContext.eventType`. */
export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** `requestContext` of a WebSocket event. */
export interface WebSocketRequestContext {
  /** The route API Gateway selected: `$connect`, `$disconnect`, `$default` or a custom route key. */
  routeKey: string;
  /** `CONNECT`, `MESSAGE` or `DISCONNECT`. */
  eventType: WebSocketEventType | string;
  /** API Gateway's id of the connection (base64-like, e.g. `L0SM9cOFvHcCIhw=`). */
  connectionId: string;
  /** Message events only: API Gateway's id of the message. */
  messageId?: string;
  /** API Gateway's extended request id. */
  extendedRequestId?: string;
  /** When the request arrived, as `22/Nov/2026:18:58:51 +0000`. */
  requestTime?: string;
  /** Always `IN` for events delivered to an integration. */
  messageDirection?: string;
  /** The stage name (the second path segment of the management endpoint). */
  stage: string;
  /** When the connection was opened, epoch milliseconds. */
  connectedAt?: number;
  /** When the request arrived, epoch milliseconds. */
  requestTimeEpoch?: number;
  /** API Gateway's id of this request, for logs and support. */
  requestId: string;
  /** The host the client connected to: `{apiId}.execute-api.{region}.amazonaws.com` (the partition's suffix elsewhere, e.g. `amazonaws.com.cn`) or a custom domain. */
  domainName: string;
  /** The WebSocket API's id. */
  apiId: string;
  /** The client as API Gateway saw it: IP address and (on `$connect`) user agent. */
  identity?: {
    /** The client's IP address. */
    sourceIp?: string;
    /** The client's `User-Agent` header. */
    userAgent?: string;
  };
  /** Present on every event of a connection once a Lambda authorizer ran on `$connect`. */
  authorizer?: Record<string, unknown> | null;
  /** `$disconnect` only: the close code (1000, 1001, 1005, 1006, …). Best-effort. */
  disconnectStatusCode?: number | null;
  /** `$disconnect` only: the close reason. Best-effort. */
  disconnectReason?: string;
}

/** A WebSocket event as delivered to a Lambda proxy integration. */
export interface WebSocketEvent {
  /** What API Gateway knows about the request and the connection. */
  requestContext: WebSocketRequestContext;
  /** The message text; base64 when `isBase64Encoded` (binary frames). Absent on `$connect`/`$disconnect`. */
  body?: string | null;
  /** Whether `body` is base64 (a binary frame). */
  isBase64Encoded?: boolean;
  /** The stage's variables, if any. */
  stageVariables?: Record<string, string | undefined> | null;
  /** `$connect` only. Names arrive as the client sent them. */
  headers?: Record<string, string | undefined> | null;
  /** `$connect` only: every value of each header. */
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  /** `$connect` only: the URL's query string parameters (last value of each). */
  queryStringParameters?: Record<string, string | undefined> | null;
  /** `$connect` only: every value of each query string parameter. */
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
}

/** The part of the Lambda `Context` wsapp uses; the full `aws-lambda` Context is assignable. */
export interface LambdaContext {
  /** Lambda's id of this invocation. */
  awsRequestId: string;
  /** The function's name. */
  functionName?: string;
  /** Milliseconds left before Lambda stops the invocation; messaging keeps its deadline inside it. */
  getRemainingTimeInMillis?(): number;
}

/** What the handler returns to API Gateway. */
export interface WebSocketResponse {
  /** HTTP-style status; on `$connect` anything but 2xx rejects the connection. */
  statusCode: number;
  /** Sent to the client when the route has a route response (two-way route). */
  body?: string;
  /** Response headers, e.g. `Sec-WebSocket-Protocol` on `$connect`. */
  headers?: Record<string, string>;
}
