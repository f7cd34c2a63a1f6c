import type { SocketConstructor } from '@wsapp/client';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type api, fixtureApp } from './fixture-app.js';
import { recordedClient, start, stop } from './helpers.js';

type Api = typeof api;
vi.setConfig({ testTimeout: 20_000 });

// Node ≥ 22's own WebSocket (undici); Node 20 has it under --experimental-websocket (vitest.config.ts).
const NodeWebSocket = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
const implementations = [
  ['ws', WebSocket as unknown as SocketConstructor],
  ["Node's global WebSocket", NodeWebSocket],
] as const;

describe('the WebSocket implementations a Node client runs on', () => {
  it('every Node the tests run on has a global WebSocket, as Lambda’s nodejs22.x and nodejs24.x do', () => {
    expect(NodeWebSocket).toBeTypeOf('function');
  });

  it.each(implementations)(
    'with %s, a binary frame arrives as an ArrayBuffer holding its bytes',
    async (_, impl) => {
      const server = await start(fixtureApp().app);
      const { client, of } = recordedClient<Api>(server.url, { WebSocket: impl, heartbeat: false });
      await client.ready();
      const [id] = server.connections.ids();
      // Not UTF-8: API Gateway (and the emulator) sends these bytes as a binary frame.
      const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80]);
      const posted = await fetch(`${server.endpoint}/@connections/${encodeURIComponent(id as string)}`, {
        method: 'POST',
        body: bytes,
      });
      expect(posted.status).toBe(200);
      await vi.waitFor(() => expect(of('message')).toHaveLength(1));
      const [message] = of('message');
      expect(message).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(message as ArrayBuffer)]).toEqual([...bytes]);
    },
  );

  it("with Node's global WebSocket, a rejected first handshake ends the client (no retry, no hang)", async () => {
    const { app } = fixtureApp();
    const server = await start(app);
    const { client, of } = recordedClient<Api>(server.url, {
      WebSocket: NodeWebSocket,
      query: { deny: '401' },
      backoff: { baseMs: 10 },
    });
    // Node 22's undici fires `error` and never `close` after a failed handshake. (Node 24's repeats
    // an upgrade answered 401 once by itself, so $connect runs once or twice: not the client's doing.)
    await expect(client.ready()).rejects.toMatchObject({ code: 'Closed' });
    expect(of('reconnecting')).toEqual([]);
    // It hides the status as browsers do: the first failure is taken as a rejection (README).
    expect(of('close')).toEqual([
      expect.objectContaining({ code: 1006, opened: false, willReconnect: false, status: undefined }),
    ]);
  });

  it("with Node's global WebSocket, every failed attempt after an outage ends and is retried", async () => {
    const { app } = fixtureApp();
    const first = await start(app);
    const port = first.port;
    const { client, of } = recordedClient<Api>(first.url, {
      WebSocket: NodeWebSocket,
      backoff: { baseMs: 50, maxMs: 100 },
      heartbeat: false,
    });
    await client.ready();
    await stop(first);
    // Refused attempts: each must end for the next one to be scheduled.
    await vi.waitFor(() => expect(of('reconnecting').length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    await start(app, { port });
    await expect.poll(() => client.state, { timeout: 5000 }).toBe('open');
    await expect(client.request('echo', { text: 'back' })).resolves.toEqual({ text: 'back' });
  });

  it('on Node the default is `ws` even with a global WebSocket: a first connection refused is retried', async () => {
    const { app } = fixtureApp();
    const down = await start(app);
    const { port, url } = down;
    await stop(down);
    // `ws` reports ECONNREFUSED, so the client knows the server is down rather than refusing it.
    const { client, of } = recordedClient<Api>(url, {
      backoff: { baseMs: 50, maxMs: 100 },
      heartbeat: false,
    });
    await vi.waitFor(() => expect(of('reconnecting').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    await start(app, { port });
    await expect.poll(() => client.state, { timeout: 5000 }).toBe('open');
    expect(of('close')).toEqual([]);
  });
});
