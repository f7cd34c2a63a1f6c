/** A Powertools (X-Ray) subsegment, as the tracer middleware uses it. */
export interface SubsegmentLike {
  /** Adds an indexed annotation. */
  addAnnotation(key: string, value: string | number | boolean): void;
  /** Records an error on the subsegment. */
  addError(error: Error): void;
  /** Ends the subsegment. */
  close(): void;
}

/** A Powertools (X-Ray) segment, which subsegments are opened in. */
export interface SegmentLike {
  /** Opens a subsegment of this segment. */
  addNewSubsegment(name: string): SubsegmentLike;
}

/** What the tracer middleware needs of a Powertools `Tracer` (`@aws-lambda-powertools/tracer`). */
export interface PowertoolsTracerLike {
  /** The current segment (Lambda's facade segment, or a dummy when tracing is disabled). */
  getSegment(): SegmentLike | undefined;
  /** Makes a (sub)segment the current one. */
  setSegment(segment: SegmentLike): void;
}

/** An OpenTelemetry span, as the tracer middleware uses it. */
export interface SpanLike {
  /** Sets an attribute. */
  setAttribute(key: string, value: string | number | boolean): unknown;
  /** Records an exception event. */
  recordException(exception: Error): void;
  /** Sets the span status (`{ code: 2 }` is ERROR). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** What the tracer middleware needs of an OpenTelemetry `Tracer` (`@opentelemetry/api`). */
export interface OpenTelemetryTracerLike {
  /**
   * Runs `fn` with a new span active (so spans opened inside are its children).
   *
   * @typeParam F - the callback, whose result is returned
   */
  startActiveSpan<F extends (span: SpanLike) => unknown>(name: string, fn: F): ReturnType<F>;
}

/** A Powertools `Tracer` or an OpenTelemetry `Tracer`: both fit, no dependency on either. */
export type TracerLike = PowertoolsTracerLike | OpenTelemetryTracerLike;
