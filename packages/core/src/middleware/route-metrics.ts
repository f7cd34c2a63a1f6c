import type { WebSocketContext } from '../context/web-socket-context.js';
import type { MetricUnit } from '../metrics/metrics-sink.js';
import type { Middleware } from '../routing/compose-middleware.js';

/** One metric with its own dimensions, as Powertools `Metrics.singleMetric()` returns it. */
export interface SingleMetricLike {
  /** Adds a dimension to this metric only. */
  addDimension(name: string, value: string): void;
  /** Records the value (Powertools publishes a single metric at once). */
  addMetric(name: string, unit: MetricUnit, value: number): void;
}

/** What {@link routeMetrics} needs: a Powertools `Metrics` instance fits. */
export interface DimensionedMetricsSink {
  /** A metric of its own, so its dimensions do not apply to the invocation's other metrics. */
  singleMetric(): SingleMetricLike;
}

/** Options of {@link routeMetrics}. */
export interface RouteMetricsOptions {
  /** Name of the dimension holding the route key; `routeKey` by default. */
  dimension?: string;
}

/**
 * Per-route metrics with a route-key dimension: `RouteLatency` (Milliseconds) for every route, and
 * `RouteErrors` (Count, 1) when the route threw. A failing sink never fails the request.
 *
 * @example
 * ```ts
 * import { Metrics } from '@aws-lambda-powertools/metrics';
 * import { routeMetrics } from '@wsapp/core/middleware';
 * app.use(routeMetrics(new Metrics({ namespace: 'chat' })));
 * ```
 */
export function routeMetrics(
  metrics: DimensionedMetricsSink,
  options: RouteMetricsOptions = {},
): Middleware<WebSocketContext<unknown, object, object>> {
  const dimension = options.dimension ?? 'routeKey';
  const record = (routeKey: string, name: string, unit: MetricUnit, value: number) => {
    try {
      const single = metrics.singleMetric();
      single.addDimension(dimension, routeKey);
      single.addMetric(name, unit, value);
    } catch {
      // metrics are best-effort: the route's answer matters more
    }
  };
  return async (ctx, next) => {
    const started = performance.now();
    try {
      return await next();
    } catch (error) {
      record(ctx.routeKey, 'RouteErrors', 'Count', 1);
      throw error;
    } finally {
      record(ctx.routeKey, 'RouteLatency', 'Milliseconds', performance.now() - started);
    }
  };
}
