import { WebSocketApp, WebSocketError, type WebSocketEvent } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, silentLogger, start } from '../helpers.js';
import { BOTH_OK, managementClients } from './clients.js';

// API Gateway: "If a route is configured for one-way communication, then regardless of any
// integration response configuration, no response will be returned over the WebSocket channel"
// (Set up a WebSocket API integration response). Only a route with a route response replies.
describe('one-way and two-way routes', () => {
  function chatApp() {
    const app = new WebSocketApp({ logger: silentLogger() });
    app.onConnect(() => undefined);
    app.route('echo', { twoWay: true }, (ctx) => ({ echo: ctx.body }));
    app.route('fire', () => 'Data sent.'); // AWS's sample answers this; API Gateway drops it
    app.route('boom', () => {
      throw new Error('secret detail');
    });
    app.route('fail', { twoWay: true }, () => {
      throw new WebSocketError(409, 'busy');
    });
    return app;
  }

  it('sends back only the two-way routes’ answers; a one-way 500 never reaches the client', async () => {
    const logger = silentLogger();
    const server = await start(chatApp(), { logger });
    const client = await connect(server.url);
    const clients = managementClients(server.endpoint);
    const id = server.connections.ids()[0] as string;

    client.send({ action: 'fire' });
    client.send({ action: 'boom' });
    client.send({ action: 'fire' });
    client.send({ action: 'echo', n: 1 });
    // Frame by frame: the first thing that arrives is echo's answer, nothing before it.
    expect(await client.json()).toEqual({ echo: { action: 'echo', n: 1 } });
    client.send({ action: 'fail' });
    expect(await client.json()).toMatchObject({ message: 'busy' });

    // Pushing works from one-way routes: both management clients reach the socket, in order.
    expect(await clients.post(id, 'pushed')).toEqual(BOTH_OK);
    expect(await client.text()).toBe('pushed');
    expect(await client.text()).toBe('pushed');
    // And nothing else came: the next frame is the next reply.
    client.send({ action: 'echo', n: 2 });
    expect(await client.json()).toEqual({ echo: { action: 'echo', n: 2 } });

    // Logged once per route, saying API Gateway drops it and how to declare the route two-way.
    const drops = logger.warn.mock.calls.filter(([m]) => String(m).includes('drops'));
    expect(drops.map(([m]) => String(m).match(/route (\S+)/)?.[1]).sort()).toEqual(['boom', 'fire']);
    for (const [message] of drops) expect(String(message)).toMatch(/twoWay: true/);
  });

  it('reads the declaration from the app: twoWayRouteKeys', () => {
    expect(chatApp().twoWayRouteKeys.sort()).toEqual(['echo', 'fail']);
    const app = new WebSocketApp();
    expect(() => app.onConnect({ twoWay: true } as never, () => undefined)).toThrow(TypeError);
    expect(() => app.onDisconnect({ twoWay: true } as never, () => undefined)).toThrow(TypeError);
    app.onDefault({ twoWay: true }, () => 'x');
    expect(app.twoWayRouteKeys).toEqual(['$default']);
  });

  it('plain handlers declare their two-way routes with the twoWayRoutes option', async () => {
    const log = new EventLog();
    const handler = async (event: WebSocketEvent) => {
      log.record(event);
      return { statusCode: 200, body: `answer to ${event.requestContext.routeKey}` };
    };
    const server = await start(handler, { routes: ['$default', 'ask', 'tell'], twoWayRoutes: ['ask'] });
    const client = await connect(server.url);
    client.send({ action: 'tell' });
    client.send('not json'); // $default, one-way here
    client.send({ action: 'ask' });
    expect(await client.text()).toBe('answer to ask');
    await log.waitFor('ask');
    expect(log.routeKeys()).toEqual(['$connect', 'tell', '$default', 'ask']);
  });

  it('rejects twoWayRoutes naming $connect or $disconnect', async () => {
    await expect(start(async () => ({ statusCode: 200 }), { twoWayRoutes: ['$connect'] })).rejects.toThrow(
      TypeError,
    );
  });

  it('still answers an integration failure with the error frame, and no route with Forbidden', async () => {
    const server = await start(
      async (event: WebSocketEvent) => {
        if (event.requestContext.routeKey === 'crash') throw new Error('crashed');
        return { statusCode: 200 };
      },
      { routes: ['crash'] },
    );
    const client = await connect(server.url);
    const id = server.connections.ids()[0];
    client.send({ action: 'crash' });
    expect(await client.json()).toMatchObject({ message: 'Internal server error', connectionId: id });
    client.send({ action: 'nothing' });
    expect(await client.json()).toMatchObject({ message: 'Forbidden', connectionId: id });
  });
});
