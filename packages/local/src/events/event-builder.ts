import type { WebSocketEvent, WebSocketRequestContext } from '@wsapp/core';
import type { RequestMaps } from './connect-request.js';
import { gatewayId } from './ids.js';
import { formatRequestTime } from './request-time.js';

/** What an event says about its connection. */
export interface EventSource {
  /** `requestContext.connectionId`. */
  connectionId: string;
  /** `requestContext.connectedAt`, epoch ms. */
  connectedAt: number;
  /** `requestContext.identity.sourceIp`. */
  sourceIp: string;
  /** `requestContext.identity.userAgent`; left out when `undefined`. */
  userAgent: string | undefined;
  /** `requestContext.authorizer` (a copy); left out when `undefined`. */
  authorizer: Record<string, unknown> | undefined;
}

/** Where the API lives; every event carries it. */
export interface ApiLocation {
  /** `requestContext.apiId`. */
  apiId: string;
  /** `requestContext.stage`. */
  stage: string;
  /** `requestContext.domainName`: with the emulator, the `host:port` listened on, so `http://{domainName}/{stage}` is the management endpoint. */
  domainName: string;
}

/** The ids and time of one event; fresh ids and the current time by default. */
export interface EventStamp {
  /** `requestContext.requestId` and `extendedRequestId`. */
  requestId?: string;
  /** `requestContext.requestTimeEpoch` (epoch ms); `requestTime` is formatted from it. */
  requestTimeEpoch?: number;
  /** `requestContext.messageId` (message events only). */
  messageId?: string;
}

/**
 * Builds the Lambda proxy events API Gateway sends for WebSocket routes. The emulator and the
 * event factories of `@wsapp/testing` both build their events here, so ids, times and shapes
 * have one definition.
 */
export class EventBuilder {
  /** @param api - where the API lives, copied into every event. */
  constructor(private readonly api: ApiLocation) {}

  /** The `$connect` event: the client's headers and, when there is one, its query string. */
  connect(source: EventSource, maps: RequestMaps, stamp: EventStamp = {}): WebSocketEvent {
    const event: WebSocketEvent = {
      headers: maps.headers,
      multiValueHeaders: maps.multiValueHeaders,
      requestContext: this.#context(source, '$connect', 'CONNECT', stamp),
      isBase64Encoded: false,
    };
    if (maps.query !== undefined) {
      event.queryStringParameters = maps.query;
      event.multiValueQueryStringParameters = maps.multiValueQuery ?? null;
    }
    return event;
  }

  /** A message event for the selected `routeKey`, with a `messageId`. */
  message(
    source: EventSource,
    routeKey: string,
    body: string,
    isBase64Encoded: boolean,
    stamp: EventStamp = {},
  ): WebSocketEvent {
    const requestContext = this.#context(source, routeKey, 'MESSAGE', stamp);
    requestContext.messageId = stamp.messageId ?? gatewayId();
    return { requestContext, body, isBase64Encoded };
  }

  /** The `$disconnect` event, with the close code and reason, and API Gateway's fixed headers. */
  disconnect(
    source: EventSource,
    statusCode: number,
    reason: string,
    stamp: EventStamp = {},
  ): WebSocketEvent {
    const requestContext = this.#context(source, '$disconnect', 'DISCONNECT', stamp);
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
    stamp: EventStamp,
  ): WebSocketRequestContext {
    const now = stamp.requestTimeEpoch ?? Date.now();
    const requestId = stamp.requestId ?? gatewayId();
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
