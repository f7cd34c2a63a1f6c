import middy, { type MiddlewareObj } from '@middy/core';
import type { WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import type { Context } from 'aws-lambda';
import { recordTiming, subscribeSchema, UNKNOWN_ACTION } from './shared.js';

/*
 * Baseline (b): Middy 7 the way `@middy/ws-router` is used (that package, `@middy/ws-json-body-parser`
 * and `@middy/ws-response` are not in this registry, so their logic is reproduced here faithfully and
 * small): a map from route key to `middy()`-wrapped handlers, each message route with a JSON body
 * parser middleware (and a schema validator for `subscribe`), inside an outer `middy()` that runs
 * the router with the timing middleware and a response normaliser.
 */

type Event = Omit<WebSocketEvent, 'body'> & { body?: unknown; rawBody?: unknown };
type Handler = (event: Event, context: Context) => Promise<unknown>;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** As `@middy/ws-json-body-parser`: parses `event.body` (base64 too), keeps the text in `rawBody`, 422 otherwise. */
const wsJsonBodyParser = (): MiddlewareObj<Event> => ({
  before: (request) => {
    const { body } = request.event;
    if (typeof body !== 'string') throw new HttpError(422, 'Invalid or malformed JSON was provided');
    try {
      const data = request.event.isBase64Encoded ? Buffer.from(body, 'base64').toString() : body;
      request.event.rawBody = body;
      request.event.body = JSON.parse(data);
    } catch {
      throw new HttpError(422, 'Invalid or malformed JSON was provided');
    }
  },
});

/** A validator middleware with the same schema the other contenders use (`@middy/validator` is ajv-based). */
const validateBody = (): MiddlewareObj<Event> => ({
  before: (request) => {
    const result = subscribeSchema.safeParse(request.event.body);
    if (!result.success) {
      throw new HttpError(400, 'Invalid message body', {
        issues: result.error.issues.map((i) => ({ message: i.message, path: i.path })),
      });
    }
    request.event.body = result.data;
  },
});

/** The one app-wide middleware: times the route. */
const timing = (): MiddlewareObj<Event, unknown, Error, Context, { started?: number }> => ({
  before: (request) => {
    request.internal.started = performance.now();
  },
  after: (request) => {
    recordTiming(request.internal.started ?? 0);
  },
});

/** As `@middy/ws-response`: a plain value becomes `{ statusCode: 200, body }`; errors become their status. */
const wsResponse = (): MiddlewareObj<Event, WebSocketResponse | unknown> => ({
  after: (request) => {
    const response = request.response;
    if (response === undefined) request.response = { statusCode: 200 };
    else if (typeof response !== 'object' || response === null || !('statusCode' in response)) {
      request.response = {
        statusCode: 200,
        body: typeof response === 'string' ? response : JSON.stringify(response),
      };
    }
  },
  onError: (request) => {
    const error = request.error;
    if (error instanceof HttpError) {
      request.response = {
        statusCode: error.statusCode,
        body: JSON.stringify({ ...error.details, message: error.message }),
      };
    } else {
      console.error('unhandled error', error);
      request.response = { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) };
    }
  },
});

/** As `@middy/ws-router`: route key → handler, 404 otherwise. */
const wsRouter = (routes: Array<{ routeKey: string; handler: Handler }>) => {
  const table: Record<string, Handler> = Object.create(null);
  for (const route of routes) table[route.routeKey] = route.handler;
  return (event: Event, context: Context) => {
    const routeKey = event.requestContext?.routeKey;
    if (!routeKey) throw new Error('[ws-router] Unknown ws event format');
    const handler = table[routeKey] ?? table.$default;
    if (handler === undefined) throw new HttpError(404, 'Route does not exist');
    return handler(event, context);
  };
};

export function createMiddyHandler() {
  const connect = middy(async (event: Event) => {
    if (!event.requestContext.authorizer?.principalId) throw new HttpError(401, 'unauthorized');
    return undefined;
  });
  const subscribe = middy(async (event: Event) => ({ subscribed: (event.body as { ticker: string }).ticker }))
    .use(wsJsonBodyParser())
    .use(validateBody());
  const ping = middy(async (event: Event) => ({ pong: (event.body as { seq?: number }).seq ?? null })).use(
    wsJsonBodyParser(),
  );
  const disconnect = middy(async () => undefined);
  const fallback = middy(async () => UNKNOWN_ACTION);

  const router = wsRouter([
    { routeKey: '$connect', handler: connect as unknown as Handler },
    { routeKey: 'subscribe', handler: subscribe as unknown as Handler },
    { routeKey: 'ping', handler: ping as unknown as Handler },
    { routeKey: '$disconnect', handler: disconnect as unknown as Handler },
    { routeKey: '$default', handler: fallback as unknown as Handler },
  ]);
  const handler = middy(router).use(timing()).use(wsResponse());
  return handler as unknown as (event: WebSocketEvent, context: Context) => Promise<WebSocketResponse>;
}
