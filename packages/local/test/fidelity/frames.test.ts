import type { WebSocketEvent } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, start } from '../helpers.js';
import { BOTH_GONE, managementClients } from './clients.js';

// API Gateway WebSocket APIs: binary frames from clients are not supported (closed with 1003);
// frames are limited to 32 KB and messages to 128 KB (closed with 1009).
const FRAME_LIMIT = 32 * 1024;
const MESSAGE_LIMIT = 128 * 1024;

async function echoServer() {
  const log = new EventLog();
  const handler = async (event: WebSocketEvent) => {
    log.record(event);
    return { statusCode: 200, body: `${event.body?.length ?? 0}` };
  };
  const server = await start(handler, { twoWayRoutes: ['$default'] });
  return { server, log };
}

describe('client frames', () => {
  it('a binary frame closes the connection with 1003 and is never routed', async () => {
    const { server, log } = await echoServer();
    const client = await connect(server.url);
    const id = server.connections.ids()[0] as string;
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.closed).toMatchObject({ code: 1003 });
    const disconnect = await log.waitFor('$disconnect');
    expect(disconnect.requestContext.disconnectStatusCode).toBe(1003);
    expect(log.routeKeys()).toEqual(['$connect', '$disconnect']);
    expect(await managementClients(server.endpoint).post(id, 'late')).toEqual(BOTH_GONE);
  });

  it('a single frame over 32 KB closes with 1009; 32 KB frames are accepted', async () => {
    const { server, log } = await echoServer();
    const client = await connect(server.url);
    const id = server.connections.ids()[0] as string;
    client.send('a'.repeat(FRAME_LIMIT));
    expect(await client.text()).toBe(String(FRAME_LIMIT));
    client.send('b'.repeat(FRAME_LIMIT + 1));
    expect(await client.closed).toMatchObject({ code: 1009 });
    const disconnect = await log.waitFor('$disconnect');
    expect(disconnect.requestContext.disconnectStatusCode).toBe(1009);
    expect(log.routeKeys()).toEqual(['$connect', '$default', '$disconnect']);
    expect(await managementClients(server.endpoint).get(id)).toEqual(BOTH_GONE);
  });

  it('a 128 KB message in four 32 KB frames is accepted; one byte more closes with 1009', async () => {
    const { server, log } = await echoServer();
    const client = await connect(server.url);
    const chunk = 'c'.repeat(FRAME_LIMIT);
    for (let i = 0; i < 4; i++) client.ws.send(chunk, { fin: i === 3 });
    expect(await client.text()).toBe(String(MESSAGE_LIMIT));
    for (let i = 0; i < 4; i++) client.ws.send(chunk, { fin: false });
    client.ws.send('d', { fin: true });
    expect(await client.closed).toMatchObject({ code: 1009 });
    expect((await log.waitFor('$disconnect')).requestContext.disconnectStatusCode).toBe(1009);
    expect(log.routeKeys()).toEqual(['$connect', '$default', '$disconnect']);
  });
});
