import { WebSocketApp } from '@wsapp/core';
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

  it('rejects with 400 when the app picks a protocol the client did not offer', async () => {
    const res = await app().resolve(connectEvent({ protocols: ['graphql-ws'], query: { proto: 'mqtt' } }));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '').message).toBe('Subprotocol "mqtt" was not offered by the client');
    expect(res.headers).toBeUndefined();
  });

  it('refuses acceptSubprotocol outside $connect', async () => {
    const res = await app().resolve(messageEvent({ action: 'x' }));
    expect(res.statusCode).toBe(400);
  });
});
