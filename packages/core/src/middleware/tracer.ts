import type { WebSocketContext } from '../context/web-socket-context.js';
import type { Middleware } from '../routing/compose-middleware.js';
import type { OpenTelemetryTracerLike, PowertoolsTracerLike, TracerLike } from './tracer-types.js';

/** Options of {@link tracer}. */
export interface TracerOptions {
  /** The span / subsegment name for a route; `## ${routeKey}` by default (Powertools' convention). */
  name?: (routeKey: string) => string;
}

/**
 * One span (OpenTelemetry) or subsegment (Powertools Tracer, X-Ray) per route, annotated with
 * `routeKey` and `connectionId` (and `requestId` on OpenTelemetry, where attributes are not
 * indexed); a thrown error is recorded on it and rethrown.
 *
 * @example
 * ```ts
 * import { Tracer } from '@aws-lambda-powertools/tracer';
 * import { tracer } from '@wsapp/core/middleware';
 * app.use(tracer(new Tracer({ serviceName: 'chat' })));
 * // or: app.use(tracer(trace.getTracer('chat'))); // @opentelemetry/api
 * ```
 */
export function tracer(
  tracer: TracerLike,
  options: TracerOptions = {},
): Middleware<WebSocketContext<unknown, object, object>> {
  const name = options.name ?? ((routeKey: string) => `## ${routeKey}`);
  if ('startActiveSpan' in tracer) return openTelemetry(tracer, name);
  return powertools(tracer, name);
}

function openTelemetry(
  otel: OpenTelemetryTracerLike,
  name: (routeKey: string) => string,
): Middleware<WebSocketContext<unknown, object, object>> {
  return (ctx, next) =>
    otel.startActiveSpan(name(ctx.routeKey), async (span) => {
      span.setAttribute('wsapp.route_key', ctx.routeKey);
      span.setAttribute('wsapp.connection_id', ctx.connectionId);
      span.setAttribute('wsapp.request_id', ctx.requestId);
      try {
        return await next();
      } catch (error) {
        const err = asError(error);
        span.recordException(err);
        span.setStatus({ code: 2, message: err.message }); // SpanStatusCode.ERROR
        throw error;
      } finally {
        span.end();
      }
    });
}

function powertools(
  xray: PowertoolsTracerLike,
  name: (routeKey: string) => string,
): Middleware<WebSocketContext<unknown, object, object>> {
  return async (ctx, next) => {
    const parent = xray.getSegment();
    if (parent === undefined) return next(); // not in a traced Lambda: nothing to attach to
    const sub = parent.addNewSubsegment(name(ctx.routeKey));
    xray.setSegment(sub as unknown as typeof parent);
    sub.addAnnotation('routeKey', ctx.routeKey);
    sub.addAnnotation('connectionId', ctx.connectionId);
    try {
      return await next();
    } catch (error) {
      sub.addError(asError(error));
      throw error;
    } finally {
      sub.close();
      xray.setSegment(parent);
    }
  };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
