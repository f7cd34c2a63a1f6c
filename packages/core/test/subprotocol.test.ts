import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

describe('subprotocol negotiation on $connect', () => {
  const app = () =>
    new WebSocketApp({ logger: silentLogger() })
      .onConnect((ctx) => {
        if (ctx.query.proto) ctx.acceptSubprotocol(ctx.query.proto);
      })
      .route('x', (ctx) => {
        ctx.acceptSubprotocol('graphql-ws');
      });

  it('answers Sec-WebSocket-Protocol with the protocol the app chose among those offered', async () => {
    const res = await app().resolve(
      connectEvent({ protocols: ['graphql-ws', 'chat.v2'], query: { proto: 'chat.v2' } }),
    );
    expect(res).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'chat.v2' } });
  });

  it('finds the header whatever case the client used', async () => {
    const res = await app().resolve(
      connectEvent({ headers: { 'sec-websocket-protocol': 'a,b' }, query: { proto: 'b' } }),
    );
    expect(res.headers).toEqual({ 'Sec-WebSocket-Protocol': 'b' });
  });

  it('never echoes a protocol the app did not choose', async () => {
    const res = await app().resolve(connectEvent({ protocols: ['graphql-ws'] }));
    expect(res).toEqual({ statusCode: 200 });
  });

  it('answers none (and returns undefined) when the client offered none of the preferred ones', async () => {
    let chosen: string | undefined = 'unset';
    const res = await new WebSocketApp({ logger: silentLogger() })
      .onConnect((ctx) => {
        chosen = ctx.acceptSubprotocol('mqtt', 'stomp');
      })
      .resolve(connectEvent({ protocols: ['graphql-ws'] }));
    expect(res).toEqual({ statusCode: 200 });
    expect(chosen).toBeUndefined();
  });

  it('picks the first preferred protocol the client offered, and lists what it offered', async () => {
    let offered: readonly string[] = [];
    const res = await new WebSocketApp({ logger: silentLogger() })
      .onConnect((ctx) => {
        offered = ctx.subprotocols;
        if (ctx.acceptSubprotocol('chat.v3', 'chat.v2', 'chat.v1') === undefined) {
          throw new WebSocketError(400, 'unsupported subprotocol');
        }
      })
      .resolve(connectEvent({ headers: { 'Sec-WebSocket-Protocol': 'chat.v1, chat.v2' } }));
    expect(offered).toEqual(['chat.v1', 'chat.v2']);
    expect(res.headers).toEqual({ 'Sec-WebSocket-Protocol': 'chat.v2' });
  });

  it('refuses acceptSubprotocol outside $connect', async () => {
    const res = await app().resolve(messageEvent({ action: 'x' }));
    expect(res.statusCode).toBe(400);
  });
});
