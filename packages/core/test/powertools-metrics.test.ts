import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketApp } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';
import { captureOutput } from './powertools-capture.js';

/** A management client that answers per connection id: ok, 410 gone, or 400 refused. */
function fakeClient(): ApiGatewayManagementApiClient {
  return {
    send: async (command: { input: { ConnectionId: string } }) => {
      const id = command.input.ConnectionId;
      if (id.startsWith('gone')) throw Object.assign(new Error('Gone'), { name: 'GoneException' });
      if (id.startsWith('bad')) {
        throw Object.assign(new Error('Bad'), {
          name: 'BadRequestException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return {};
    },
  } as unknown as ApiGatewayManagementApiClient;
}

let capture: ReturnType<typeof captureOutput> | undefined;
afterEach(() => capture?.restore());

describe('metrics option with a Powertools Metrics instance', () => {
  it('records route latency and broadcast delivered/gone/failed counts as EMF', async () => {
    capture = captureOutput();
    const metrics = new Metrics({ namespace: 'wsapp', serviceName: 'chat' });
    const app = new WebSocketApp({
      logger: silentLogger(),
      metrics,
      endpoint: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      messaging: { client: fakeClient() },
    });
    app.route('ping', () => ({ pong: true }));
    await app.resolve(messageEvent({ action: 'ping' }));
    metrics.publishStoredMetrics();

    const report = await app.broadcast({ connectionIds: ['ok-1', 'ok-2', 'gone-1', 'bad-1'] }, { hi: 1 });
    expect(report).toMatchObject({ attempted: 4, delivered: 2, gone: 1 });
    metrics.publishStoredMetrics();
    capture.restore();

    const emf = capture.lines().filter((line) => '_aws' in line);
    expect(emf).toHaveLength(2);
    const [route, broadcast] = emf as [Record<string, unknown>, Record<string, unknown>];
    expect(route).toMatchObject({ service: 'chat', RouteLatency: expect.any(Number) });
    expect(JSON.stringify(route._aws)).toContain('"Name":"RouteLatency","Unit":"Milliseconds"');
    expect(broadcast).toMatchObject({ BroadcastDelivered: 2, BroadcastGone: 1, BroadcastFailed: 1 });
    expect(JSON.stringify(broadcast._aws)).toContain('"Name":"BroadcastGone","Unit":"Count"');
  });

  it('never fails a request because the sink throws', async () => {
    const logger = silentLogger();
    const metrics = {
      addMetric: () => {
        throw new Error('sink down');
      },
    };
    const app = new WebSocketApp({ logger, metrics }).route('ping', () => 'pong');
    expect((await app.resolve(messageEvent({ action: 'ping' }))).body).toBe('pong');
    expect(logger.warn).toHaveBeenCalledWith(
      'wsapp: could not record a metric',
      expect.objectContaining({ metric: 'RouteLatency' }),
    );
  });
});
