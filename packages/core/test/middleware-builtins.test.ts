import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { routeMetrics, tracer } from '@wsapp/core/middleware';
import { messageEvent } from '@wsapp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';
import { captureOutput } from './powertools-capture.js';

let capture: ReturnType<typeof captureOutput> | undefined;
afterEach(() => capture?.restore());

function appWith(middleware: Parameters<WebSocketApp['use']>[0]) {
  return new WebSocketApp({ logger: silentLogger() })
    .use(middleware)
    .route('ok', () => ({ fine: true }))
    .route('boom', () => {
      throw new WebSocketError(409, 'conflict');
    });
}

describe('tracer() with OpenTelemetry', () => {
  it('opens one span per route with the route key and connection id, and records errors', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const app = appWith(tracer(provider.getTracer('chat')));
    expect((await app.resolve(messageEvent({}, { routeKey: 'ok', connectionId: 'c1=' }))).statusCode).toBe(
      200,
    );
    expect((await app.resolve(messageEvent({}, { routeKey: 'boom', connectionId: 'c2=' }))).statusCode).toBe(
      409,
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['## ok', '## boom']);
    expect(spans[0]?.attributes).toMatchObject({ 'wsapp.route_key': 'ok', 'wsapp.connection_id': 'c1=' });
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[1]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'conflict' });
    expect(spans[1]?.events.map((e) => e.name)).toEqual(['exception']);
  });
});

describe('tracer() with Powertools Tracer', () => {
  it('fits the Tracer type and passes results and errors through when tracing is off (outside Lambda)', async () => {
    const app = appWith(tracer(new Tracer({ serviceName: 'chat' })));
    expect(JSON.parse((await app.resolve(messageEvent({}, { routeKey: 'ok' }))).body ?? '')).toEqual({
      fine: true,
    });
    expect((await app.resolve(messageEvent({}, { routeKey: 'boom' }))).statusCode).toBe(409);
  });
});

describe('routeMetrics() with Powertools Metrics', () => {
  it('publishes RouteLatency with a routeKey dimension, and RouteErrors for a failing route', async () => {
    capture = captureOutput();
    const metrics = new Metrics({ namespace: 'wsapp', serviceName: 'chat' });
    const app = appWith(routeMetrics(metrics));
    await app.resolve(messageEvent({}, { routeKey: 'ok' }));
    await app.resolve(messageEvent({}, { routeKey: 'boom' }));
    const emf = capture.lines().filter((l) => '_aws' in l);
    const of = (name: string) =>
      emf.filter((l) =>
        (
          l._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }
        ).CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name),
      );
    expect(of('RouteLatency').map((l) => l.routeKey)).toEqual(['ok', 'boom']);
    expect(of('RouteErrors').map((l) => [l.routeKey, l.RouteErrors])).toEqual([['boom', 1]]);
    type Emf = { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> } };
    const first = of('RouteLatency')[0] as unknown as Emf;
    const dims = first._aws.CloudWatchMetrics[0]?.Dimensions[0];
    expect(dims).toContain('routeKey');
  });
});
