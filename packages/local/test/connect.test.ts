import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, EventLog, Rejected, recordingApp, silentLogger, start } from './helpers.js';

const CONNECTION_ID = /^[A-Za-z0-9_-]{15}=$/;
const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

describe('$connect', () => {
  it('sends the upgrade request as a $connect event with API Gateway fields', async () => {
    const log = new EventLog();
    const app = recordingApp(log).onConnect(() => undefined);
    const server = await start(app, { stage: 'dev', apiId: 'abc123defg' });
    await connect(`${server.url}?room=a&room=b&token=t`, undefined, {
      headers: { 'X-Custom-Header': 'Value', 'User-Agent': 'test-agent/1.0' },
    });
    const event = await log.waitFor('$connect');
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'dev',
      apiId: 'abc123defg',
      domainName: `127.0.0.1:${server.port}`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' },
    });
    expect(rc.connectionId).toMatch(CONNECTION_ID);
    expect(rc.requestId).toMatch(CONNECTION_ID);
    expect(rc.extendedRequestId).toBe(rc.requestId);
    expect(rc.requestTime).toMatch(REQUEST_TIME);
    expect(rc.connectedAt).toBeTypeOf('number');
    expect(rc.requestTimeEpoch).toBeGreaterThanOrEqual(rc.connectedAt ?? 0);
    expect(event.isBase64Encoded).toBe(false);
    // Header names keep the client's case; hop-by-hop headers are not forwarded.
    expect(event.headers).toMatchObject({
      'X-Custom-Header': 'Value',
      'Sec-WebSocket-Version': '13',
      Host: `127.0.0.1:${server.port}`,
      'X-Forwarded-For': '127.0.0.1',
    });
    expect(event.headers).not.toHaveProperty('Connection');
    expect(event.headers).not.toHaveProperty('Upgrade');
    expect(event.multiValueHeaders?.['X-Custom-Header']).toEqual(['Value']);
    expect(event.queryStringParameters).toEqual({ room: 'b', token: 't' });
    expect(event.multiValueQueryStringParameters).toEqual({ room: ['a', 'b'], token: ['t'] });
    // The event's domainName and stage give the management endpoint.
    expect(`http://${rc.domainName}/${rc.stage}`).toBe(server.endpoint);
  });

  it('omits the query string maps when the URL has none', async () => {
    const log = new EventLog();
    const server = await start(recordingApp(log).onConnect(() => undefined));
    await connect(server.url);
    const event = await log.waitFor('$connect');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
  });

  it('accepts on 2xx and the connection becomes visible', async () => {
    const server = await start(new WebSocketApp({ logger: silentLogger() }).onConnect(() => undefined));
    expect(server.connections.size).toBe(0);
    const client = await connect(server.url);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(server.connections.size).toBe(1);
    const [id] = server.connections.ids();
    expect(server.connections.has(id!)).toBe(true);
    expect(server.connections.get(id!)).toMatchObject({ connectionId: id, sourceIp: '127.0.0.1' });
  });

  it('rejects with the handler status and body; no socket is opened', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect(() => {
      throw new WebSocketError(401, 'no token', { expose: true });
    });
    const server = await start(app);
    const rejected = await connect(server.url).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(Rejected);
    expect((rejected as Rejected).status).toBe(401);
    expect(JSON.parse((rejected as Rejected).body)).toMatchObject({ message: 'no token' });
    expect(server.connections.size).toBe(0);
  });

  it('answers 502 when a plain handler throws on $connect (API Gateway: a failed integration)', async () => {
    const server = await start(async () => {
      throw new Error('boom');
    });
    const rejected = (await connect(server.url).catch((e: unknown) => e)) as Rejected;
    expect(rejected.status).toBe(502);
    expect(JSON.parse(rejected.body)).toEqual({ message: 'Internal server error' });
  });

  it('answers 502 when the integration answers an impossible status', async () => {
    const server = await start(async () => ({ statusCode: 999 }));
    const rejected = (await connect(server.url).catch((e: unknown) => e)) as Rejected;
    expect(rejected.status).toBe(502);
  });

  it('answers 403 for an upgrade on a path other than the stage', async () => {
    const server = await start(new WebSocketApp({ logger: silentLogger() }));
    const rejected = (await connect(`ws://${server.domainName}/other`).catch((e: unknown) => e)) as Rejected;
    expect(rejected.status).toBe(403);
  });

  it('answers 504 when $connect takes longer than the integration timeout', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect(() => new Promise(() => undefined));
    const server = await start(app, { timeoutMs: 50 });
    const rejected = (await connect(server.url).catch((e: unknown) => e)) as Rejected;
    expect(rejected.status).toBe(504);
  });
});

describe('subprotocols', () => {
  it('answers the protocol the app chose among the offered ones', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect((ctx) => {
      ctx.acceptSubprotocol('graphql-ws');
    });
    const server = await start(app);
    const client = await connect(server.url, ['graphql-transport-ws', 'graphql-ws']);
    expect(client.ws.protocol).toBe('graphql-ws');
    expect(server.connections.get(server.connections.ids()[0]!)?.subprotocol).toBe('graphql-ws');
  });

  it('never echoes an offered protocol the app did not choose', async () => {
    const server = await start(new WebSocketApp({ logger: silentLogger() }).onConnect(() => undefined));
    // A client that offered protocols fails the handshake when none comes back (browsers do the same).
    const error = await connect(server.url, ['graphql-ws']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/subprotocol/i);
  });

  it('connects without a protocol when none is offered or chosen', async () => {
    const server = await start(new WebSocketApp({ logger: silentLogger() }).onConnect(() => undefined));
    const client = await connect(server.url);
    expect(client.ws.protocol).toBe('');
  });

  it('reads the response header case-insensitively from a plain handler', async () => {
    const server = await start(async (event) => {
      if (event.requestContext.eventType !== 'CONNECT') return { statusCode: 200 };
      return { statusCode: 200, headers: { 'sec-websocket-protocol': 'chat.v2' } };
    });
    const client = await connect(server.url, ['chat.v1', 'chat.v2']);
    expect(client.ws.protocol).toBe('chat.v2');
  });
});

describe('authorizer', () => {
  it('passes the context, with principalId, on $connect and every later event', async () => {
    const log = new EventLog();
    const app = recordingApp(log)
      .onConnect(() => undefined)
      .route('ping', { twoWay: true }, () => 'pong')
      .onDisconnect(() => undefined);
    const server = await start(app, {
      authorizer: (request) => {
        expect(request.type).toBe('REQUEST');
        expect(request.methodArn).toContain('/local/$connect');
        const token = request.queryStringParameters?.token;
        return token === 'good' ? { principalId: 'user-1', tenant: 'acme' } : undefined;
      },
    });
    const client = await connect(`${server.url}?token=good`);
    client.send({ action: 'ping' });
    expect(await client.text()).toBe('pong');
    client.ws.close(1000);
    await log.waitFor('$disconnect');
    expect(log.routeKeys()).toEqual(['$connect', 'ping', '$disconnect']);
    for (const event of log.events) {
      expect(event.requestContext.authorizer).toEqual({ principalId: 'user-1', tenant: 'acme' });
    }
    expect(app.routeKeys).toContain('ping');
  });

  it('rejects with 403 when the authorizer denies and 401 when it throws; the app is not called', async () => {
    const log = new EventLog();
    const server = await start(
      recordingApp(log).onConnect(() => undefined),
      {
        authorizer: (request) => {
          if (request.queryStringParameters?.token === 'bad') throw new Error('Unauthorized');
          return undefined;
        },
      },
    );
    expect(((await connect(server.url).catch((e: unknown) => e)) as Rejected).status).toBe(403);
    expect(((await connect(`${server.url}?token=bad`).catch((e: unknown) => e)) as Rejected).status).toBe(
      401,
    );
    expect(log.events).toEqual([]);
  });
});
