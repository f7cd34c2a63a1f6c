/**
 * Built-in middleware: a tracer (Powertools Tracer or OpenTelemetry) and per-route metrics
 * (`appendLogKeys` stays in `@wsapp/core`).
 *
 * @packageDocumentation
 * @module @wsapp/core/middleware
 */
export {
  type DimensionedMetricsSink,
  type RouteMetricsOptions,
  routeMetrics,
  type SingleMetricLike,
} from './route-metrics.js';
export { type TracerOptions, tracer } from './tracer.js';
export type {
  OpenTelemetryTracerLike,
  PowertoolsTracerLike,
  SegmentLike,
  SpanLike,
  SubsegmentLike,
  TracerLike,
} from './tracer-types.js';
