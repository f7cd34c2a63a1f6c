import type { WebSocketEvent, WebSocketRequestContext } from '@wsapp/core';
import type { RequestMaps } from './connect-request.js';
import { gatewayId } from './ids.js';
import { formatRequestTime } from './request-time.js';

/** What an event says about its connection. */
export interface EventSource {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent: string | undefined;
  authorizer: Record<string, unknown> | undefined;
}

/** Where the emulated API lives; every event carries it. */
export interface ApiLocation {
  apiId: string;
  stage: string;
  /** `host:port` actually listened on, so `http://{domainName}/{stage}` is the management endpoint. */
  domainName: string;
}

/** Builds the Lambda proxy events API Gateway sends for WebSocket routes. */
export class EventBuilder {
  constructor(private readonly api: ApiLocation) {}

  /** The `$connect` event: the client's headers and query string. */
  connect(source: EventSource, maps: RequestMaps): WebSocketEvent {
    const event: WebSocketEvent = {
      headers: maps.headers,
      multiValueHeaders: maps.multiValueHeaders,
      requestContext: this.#context(source, '$connect', 'CONNECT'),
      isBase64Encoded: false,
    };
    if (maps.query !== undefined) {
      event.queryStringParameters = maps.query;
      event.multiValueQueryStringParameters = maps.multiValueQuery ?? null;
    }
    return event;
  }

  /** A message event; binary frames arrive base64-encoded. */
  message(source: EventSource, routeKey: string, data: Buffer, binary: boolean): WebSocketEvent {
    const requestContext = this.#context(source, routeKey, 'MESSAGE');
    requestContext.messageId = gatewayId();
    return {
      requestContext,
      body: data.toString(binary ? 'base64' : 'utf8'),
      isBase64Encoded: binary,
    };
  }

  /** The `$disconnect` event, with the close code and reason, and API Gateway's fixed headers. */
  disconnect(source: EventSource, statusCode: number, reason: string): WebSocketEvent {
    const requestContext = this.#context(source, '$disconnect', 'DISCONNECT');
    requestContext.disconnectStatusCode = statusCode;
    requestContext.disconnectReason = reason;
    const headers = { Host: this.api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
    const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    return { headers, multiValueHeaders, requestContext, isBase64Encoded: false };
  }

  #context(
    source: EventSource,
    routeKey: string,
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  ): WebSocketRequestContext {
    const now = Date.now();
    const requestId = gatewayId();
    const identity: NonNullable<WebSocketRequestContext['identity']> = { sourceIp: source.sourceIp };
    if (source.userAgent !== undefined) identity.userAgent = source.userAgent;
    const context: WebSocketRequestContext = {
      routeKey,
      eventType,
      extendedRequestId: requestId,
      requestTime: formatRequestTime(now),
      messageDirection: 'IN',
      stage: this.api.stage,
      connectedAt: source.connectedAt,
      requestTimeEpoch: now,
      identity,
      requestId,
      domainName: this.api.domainName,
      connectionId: source.connectionId,
      apiId: this.api.apiId,
    };
    if (source.authorizer !== undefined) context.authorizer = { ...source.authorizer };
    return context;
  }
}
