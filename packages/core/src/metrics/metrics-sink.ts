import type { Logger } from '../logging/logger.js';

/** The units wsapp records in. */
export type MetricUnit = 'Count' | 'Milliseconds';

/**
 * Where wsapp records metrics: a Powertools `Metrics` instance fits (no dependency on it), as does
 * anything with an `addMetric(name, unit, value)` method. Recorded:
 * `RouteLatency` (Milliseconds, per event handled by the app), `BroadcastDelivered`,
 * `BroadcastGone` and `BroadcastFailed` (Count, per broadcast). Flushing stays the caller's job
 * (e.g. Powertools' `logMetrics` middleware or `publishStoredMetrics()`).
 */
export interface MetricsSink {
  addMetric(name: string, unit: MetricUnit, value: number): void;
}

/** Records one metric; a failing sink is logged, never allowed to fail the request. */
export function recordMetric(
  sink: MetricsSink | undefined,
  logger: Logger,
  name: string,
  unit: MetricUnit,
  value: number,
): void {
  if (sink === undefined) return;
  try {
    sink.addMetric(name, unit, value);
  } catch (error) {
    logger.warn('wsapp: could not record a metric', { metric: name, error });
  }
}
