/**
 * The Lambda proxy event shapes API Gateway sends for WebSocket routes. They are structurally
 * compatible with `@types/aws-lambda` (`APIGatewayProxyWebsocketEventV2` and its connect /
 * disconnect variants), so events typed with those definitions are accepted without a dependency.
 */

/** `requestContext.eventType`. */
export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** `requestContext` of a WebSocket event. */
export interface WebSocketRequestContext {
  routeKey: string;
  eventType: WebSocketEventType | string;
  connectionId: string;
  messageId?: string;
  extendedRequestId?: string;
  requestTime?: string;
  messageDirection?: string;
  stage: string;
  connectedAt?: number;
  requestTimeEpoch?: number;
  requestId: string;
  domainName: string;
  apiId: string;
  identity?: { sourceIp?: string; userAgent?: string };
  /** Present on every event of a connection once a Lambda authorizer ran on `$connect`. */
  authorizer?: Record<string, unknown> | null;
  /** `$disconnect` only: the close code (1000, 1001, 1005, 1006, …). Best-effort. */
  disconnectStatusCode?: number | null;
  /** `$disconnect` only: the close reason. Best-effort. */
  disconnectReason?: string;
}

/** A WebSocket event as delivered to a Lambda proxy integration. */
export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  body?: string | null;
  isBase64Encoded?: boolean;
  stageVariables?: Record<string, string | undefined> | null;
  /** `$connect` only. Names arrive as the client sent them. */
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
}

/** The part of the Lambda `Context` wsapp uses; the full `aws-lambda` Context is assignable. */
export interface LambdaContext {
  awsRequestId: string;
  functionName?: string;
  /** Milliseconds left before Lambda stops the invocation; messaging keeps its deadline inside it. */
  getRemainingTimeInMillis?(): number;
}

/** What the handler returns to API Gateway. */
export interface WebSocketResponse {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}
