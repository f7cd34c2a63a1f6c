import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, recordingApp, silentLogger, sockets, start } from './helpers.js';

/** Recording app with lifecycle handlers and a two-way `$default` that answers nothing. */
const defaultApp = (log: EventLog) =>
  recordingApp(log, { lifecycle: true }).onDefault({ twoWay: true }, () => undefined);

describe('$disconnect', () => {
  it('reports a client close with its code and reason, and API Gateway headers', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log), { authorizer: () => ({ principalId: 'u1' }) });
    const client = await connect(server.url);
    const connectionId = server.connections.ids()[0]!;
    client.ws.close(1000, 'bye');
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext).toMatchObject({
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      connectionId,
      disconnectStatusCode: 1000,
      disconnectReason: 'bye',
      authorizer: { principalId: 'u1' },
      domainName: server.domainName,
      stage: 'local',
    });
    expect(event.headers).toEqual({
      Host: server.domainName,
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    });
    expect(event.multiValueHeaders).toEqual({
      Host: [server.domainName],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    });
    expect(server.connections.size).toBe(0);
  });

  it('reports 1005 for a close frame without a status', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log));
    const client = await connect(server.url);
    client.ws.close();
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
    expect(event.requestContext.disconnectReason).toBe('Client-side close frame status not set');
  });

  it('reports 1006 when the client drops the TCP connection', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log));
    const client = await connect(server.url);
    client.ws.terminate();
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(event.requestContext.disconnectReason).toBe('Connection closed abnormally');
  });

  it('runs $disconnect after the messages already queued for the connection', async () => {
    const log = new EventLog();
    const app = defaultApp(log);
    app.route('slow', { twoWay: true }, () => new Promise((resolve) => setTimeout(resolve, 30)));
    const server = await start(app);
    const client = await connect(server.url);
    client.send({ action: 'slow' });
    client.send({ action: 'slow' });
    client.ws.close(1000);
    await log.waitFor('$disconnect');
    expect(log.routeKeys()).toEqual(['$connect', 'slow', 'slow', '$disconnect']);
  });

  it('closes idle connections with 1001 Going away', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log), { idleTimeoutMs: 400 });
    const client = await connect(server.url);
    // Traffic keeps it open: a message after 200 ms pushes the deadline to 600 ms.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = Date.now();
    client.send('still here');
    const closed = await client.closed;
    expect(Date.now() - sent).toBeGreaterThanOrEqual(380);
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
    expect(event.requestContext.disconnectReason).toBe('Going away');
  });

  it('closes connections at the maximum duration even when active', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log), { maxConnectionMs: 120 });
    const client = await connect(server.url);
    const timer = setInterval(() => client.send('busy'), 20);
    const closed = await client.closed;
    clearInterval(timer);
    expect(closed.code).toBe(1001);
    expect((await log.waitFor('$disconnect')).requestContext.disconnectStatusCode).toBe(1001);
  });

  it('reports 1006 when the client leaves while an accepted $connect is still running', async () => {
    const log = new EventLog();
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inConnect = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect(() => {
        entered();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .onDisconnect((ctx) => log.record(ctx.event));
    const server = await start(app);
    const pending = connect(server.url).catch((e: unknown) => e);
    await inConnect;
    // Drop the TCP connection of the pending handshake, then let $connect accept.
    sockets.at(-1)?.terminate();
    expect(await pending).toBeInstanceOf(Error);
    release();
    const event = await log.waitFor('$disconnect');
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    expect(server.connections.size).toBe(0);
  });

  it('close() closes every client with 1001 and waits for their $disconnect events', async () => {
    const log = new EventLog();
    const server = await start(defaultApp(log));
    const clients = await Promise.all([connect(server.url), connect(server.url), connect(server.url)]);
    await server.close();
    const disconnects = log.events.filter((e) => e.requestContext.routeKey === '$disconnect');
    expect(disconnects).toHaveLength(3);
    for (const event of disconnects) expect(event.requestContext.disconnectStatusCode).toBe(1001);
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    expect(server.connections.size).toBe(0);
    await server.close();
  });
});
