import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, recordingApp, silentLogger, start } from './helpers.js';

describe('route selection', () => {
  it('gives a custom route its exact route key', async () => {
    const log = new EventLog();
    const app = recordingApp(log, { lifecycle: true })
      .route('sendMessage', { twoWay: true }, (ctx) => ({ route: ctx.routeKey }))
      .onDefault({ twoWay: true }, () => ({ route: '$default' }));
    const server = await start(app);
    const client = await connect(server.url);
    client.send({ action: 'sendMessage', text: 'hi' });
    expect(await client.json()).toEqual({ route: 'sendMessage' });
    const event = await log.waitFor('sendMessage');
    expect(event.requestContext).toMatchObject({ routeKey: 'sendMessage', eventType: 'MESSAGE' });
    expect(event.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(event.body).toBe('{"action":"sendMessage","text":"hi"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty('headers');
  });

  it('evaluates a nested path expression and compares the value as a string', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('42', { twoWay: true }, () => 'number route')
      .route('chat.send', { twoWay: true }, () => 'nested route')
      .onDefault({ twoWay: true }, () => 'default');
    const server = await start(app, { routeSelectionExpression: '$request.body.meta.type' });
    const client = await connect(server.url);
    client.send({ meta: { type: 'chat.send' } });
    expect(await client.text()).toBe('nested route');
    client.send({ meta: { type: 42 } });
    expect(await client.text()).toBe('number route');
    client.send({ action: 'chat.send' });
    expect(await client.text()).toBe('default');
  });

  it('sends non-JSON bodies, missing fields, unknown keys and inherited names to $default', async () => {
    const log = new EventLog();
    const app = recordingApp(log, { lifecycle: true })
      .route('known', { twoWay: true }, () => 'known')
      .onDefault({ twoWay: true }, () => 'default');
    const server = await start(app);
    const client = await connect(server.url);
    for (const body of ['not json', '{"other":1}', '{"action":"unknown"}', '{"action":"toString"}', '[1]']) {
      client.send(body);
      expect(await client.text()).toBe('default');
    }
    expect(log.routeKeys().slice(1)).toEqual(['$default', '$default', '$default', '$default', '$default']);
  });

  it('answers an error frame when nothing matches and there is no $default', async () => {
    const log = new EventLog();
    const server = await start(
      recordingApp(log, { lifecycle: true }).route('known', { twoWay: true }, () => 'known'),
    );
    const client = await connect(server.url);
    client.send({ action: 'unknown' });
    const frame = (await client.json()) as Record<string, unknown>;
    expect(frame).toEqual({
      message: 'Forbidden',
      connectionId: server.connections.ids()[0],
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
    });
    client.ws.close();
    await log.waitFor('$disconnect');
    expect(log.routeKeys()).toEqual(['$connect', '$disconnect']);
  });

  it('only routes to the keys given in `routes` when set', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('a', { twoWay: true }, () => 'a')
      .onDefault({ twoWay: true }, () => 'default');
    const server = await start(app, { routes: ['$default'] });
    const client = await connect(server.url);
    client.send({ action: 'a' });
    expect(await client.text()).toBe('default');
  });
});

describe('messages', () => {
  it('sends a two-way route response body back whatever its status', async () => {
    const server = await start(
      async (event) => {
        if (event.requestContext.eventType !== 'MESSAGE') return { statusCode: 200 };
        return { statusCode: 400, body: 'nope' };
      },
      { twoWayRoutes: ['$default'] },
    );
    const client = await connect(server.url);
    client.send('anything');
    expect(await client.text()).toBe('nope');
  });

  it('sends nothing back when the route response has no body', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('quiet', { twoWay: true }, () => undefined)
      .route('loud', { twoWay: true }, () => 'loud');
    const server = await start(app);
    const client = await connect(server.url);
    client.send({ action: 'quiet' });
    client.send({ action: 'loud' });
    expect(await client.text()).toBe('loud');
  });

  it('answers an Internal server error frame when the integration fails', async () => {
    const server = await start(async (event) => {
      if (event.requestContext.eventType === 'MESSAGE') throw new Error('secret detail');
      return { statusCode: 200 };
    });
    const client = await connect(server.url);
    client.send('x');
    const frame = (await client.json()) as Record<string, string>;
    expect(frame.message).toBe('Internal server error');
    expect(frame.connectionId).toBe(server.connections.ids()[0]);
    expect(frame.requestId).toMatch(/=$/);
    expect(JSON.stringify(frame)).not.toContain('secret');
  });

  it('processes the messages of one connection in order', async () => {
    const seen: number[] = [];
    const app = new WebSocketApp({ logger: silentLogger() }).onDefault({ twoWay: true }, async (ctx) => {
      const n = (ctx.body as { n: number }).n;
      await new Promise((resolve) => setTimeout(resolve, n % 2 === 0 ? 5 : 0));
      seen.push(n);
      return { n };
    });
    const server = await start(app);
    const client = await connect(server.url);
    for (let n = 0; n < 10; n++) client.send({ n });
    const answers: unknown[] = [];
    for (let n = 0; n < 10; n++) answers.push(await client.json());
    expect(answers).toEqual([...Array(10).keys()].map((n) => ({ n })));
    expect(seen).toEqual([...Array(10).keys()]);
  });

  it('passes a Lambda-like context with a countdown to the integration', async () => {
    const server = await start(
      async (_event, context) => {
        expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(context.functionName).toBe('chat-fn');
        const left = context.getRemainingTimeInMillis();
        return { statusCode: 200, body: String(left > 4000 && left <= 5000) };
      },
      { timeoutMs: 5000, functionName: 'chat-fn', twoWayRoutes: ['$default'] },
    );
    const client = await connect(server.url);
    client.send('x');
    expect(await client.text()).toBe('true');
  });

  it('runs a plain Lambda handler for every route, $default only', async () => {
    const routeKeys: string[] = [];
    const server = await start(
      async (event) => {
        routeKeys.push(event.requestContext.routeKey);
        if (event.requestContext.routeKey === '$default')
          return { statusCode: 200, body: `echo:${event.body}` };
        return { statusCode: 200 };
      },
      { twoWayRoutes: ['$default'] },
    );
    const client = await connect(server.url);
    client.send({ action: 'custom' });
    expect(await client.text()).toBe('echo:{"action":"custom"}');
    client.ws.close();
    await client.closed;
    await server.close();
    expect(routeKeys).toEqual(['$connect', '$default', '$disconnect']);
  });
});

describe('payload limit', () => {
  it('accepts a 128 KB message and closes with 1009 over it; $disconnect reports 1009', async () => {
    const log = new EventLog();
    const server = await start(
      recordingApp(log, { lifecycle: true }).onDefault({ twoWay: true }, (ctx) =>
        String(ctx.rawBody?.length),
      ),
    );
    const client = await connect(server.url);
    // API Gateway frames are at most 32 KB: a 128 KB message arrives as four frames.
    const frame = 'a'.repeat(32768);
    for (let i = 0; i < 4; i++) client.ws.send(frame, { fin: i === 3 });
    expect(await client.text()).toBe('131072');
    for (let i = 0; i < 4; i++) client.ws.send(frame, { fin: false });
    client.ws.send('a', { fin: true });
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1009);
    expect(event.requestContext.disconnectReason).toBe('Message too big');
    expect(server.connections.size).toBe(0);
  });
});
