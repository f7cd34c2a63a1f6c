import {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiServiceException,
  ForbiddenException,
  GetConnectionCommand,
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, managementClient, silentLogger, start } from './helpers.js';

async function setup(connections = 1) {
  const server = await start(new WebSocketApp({ logger: silentLogger() }).onConnect(() => undefined));
  const clients = [];
  for (let i = 0; i < connections; i++) clients.push(await connect(server.url));
  return { server, clients, ids: server.connections.ids(), api: managementClient(server.endpoint) };
}

const post = (id: string, data = 'x') => new PostToConnectionCommand({ ConnectionId: id, Data: data });

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('fault injection', () => {
  it('answers 429 as LimitExceededException and 500 as a server fault', async () => {
    const { server, ids, api } = await setup();
    server.faults.inject({ status: 429, times: 1 });
    const throttled = await api.send(post(ids[0]!)).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(LimitExceededException);
    expect((throttled as LimitExceededException).$metadata.httpStatusCode).toBe(429);

    server.faults.inject({ status: 500, times: 1 });
    const failed = (await api
      .send(post(ids[0]!))
      .catch((e: unknown) => e)) as ApiGatewayManagementApiServiceException;
    expect(failed).toBeInstanceOf(ApiGatewayManagementApiServiceException);
    expect(failed.name).toBe('InternalServerErrorException');
    expect(failed.$fault).toBe('server');
    expect(failed.$metadata.httpStatusCode).toBe(500);

    // Both faults were used up: the next call is delivered.
    await api.send(post(ids[0]!));
    expect(server.stats.snapshot()).toEqual({
      total: 3,
      byMethod: { POST: 3 },
      byStatus: { '200': 1, '429': 1, '500': 1 },
      byMethodAndStatus: { 'POST 200': 1, 'POST 429': 1, 'POST 500': 1 },
    });
  });

  it('injects 410 and 403 with their SDK exceptions, for chosen connections and methods only', async () => {
    const { server, ids, api } = await setup(2);
    const [a, b] = ids as [string, string];
    server.faults.inject({ status: 410, connectionIds: [a], methods: ['POST'] });
    server.faults.inject({ status: 403, methods: ['GET'] });
    await expect(api.send(post(a))).rejects.toBeInstanceOf(GoneException);
    await api.send(post(b));
    await expect(api.send(new GetConnectionCommand({ ConnectionId: b }))).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    expect(server.stats.count({ status: 410 })).toBe(1);
    expect(server.stats.count({ method: 'GET' })).toBe(1);
    server.faults.clear();
    await api.send(post(a));
    expect(server.stats.count({ method: 'POST', status: 200 })).toBe(2);
  });

  it('fails a seeded share of calls, the same ones for the same seed', async () => {
    const { server, ids, api } = await setup();
    const run = async () => {
      const fault = server.faults.inject({ status: 429, ratio: 0.3, seed: 42 });
      const results: string[] = [];
      for (let i = 0; i < 40; i++) results.push(await outcome(api.send(post(ids[0]!))));
      fault.remove();
      return { results, hits: fault.hits };
    };
    const first = await run();
    const second = await run();
    expect(second.results).toEqual(first.results);
    const failed = first.results.filter((r) => r === 'LimitExceededException').length;
    expect(failed).toBe(first.hits);
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(25);
  });

  it('delays answers by delayMs, with or without an error', async () => {
    const { server, clients, ids, api } = await setup();
    server.faults.inject({ delayMs: 80, times: 1 });
    const started = Date.now();
    await api.send(post(ids[0]!, 'late'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect((await clients[0]!.next()).data.toString()).toBe('late');
  });

  it('lets the SDK retry an injected throttle with its default retry strategy', async () => {
    const { server, clients, ids } = await setup();
    const api = new ApiGatewayManagementApiClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    server.faults.inject({ status: 429, times: 1 });
    await api.send(post(ids[0]!, 'after retry'));
    expect((await clients[0]!.next()).data.toString()).toBe('after retry');
    expect(server.stats.snapshot().byMethodAndStatus).toEqual({ 'POST 429': 1, 'POST 200': 1 });
  });

  it('rejects invalid fault specs', async () => {
    const { server } = await setup(0);
    expect(() => server.faults.inject({})).toThrow(TypeError);
    expect(() => server.faults.inject({ status: 200 })).toThrow(TypeError);
    expect(() => server.faults.inject({ status: 429, ratio: 2 })).toThrow(TypeError);
    expect(() => server.faults.inject({ status: 429, times: 0 })).toThrow(TypeError);
  });

  it('stats.reset() sets the counts back to zero', async () => {
    const { server, ids, api } = await setup();
    await api.send(post(ids[0]!));
    expect(server.stats.total).toBe(1);
    server.stats.reset();
    expect(server.stats.total).toBe(0);
    expect(server.stats.count()).toBe(0);
  });
});
