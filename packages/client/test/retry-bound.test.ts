import type { AddressInfo } from 'node:net';
import { ClientError, createClient } from '@wsapp/client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { recordedClient, sleep } from './helpers.js';

// The client against a real `ws` server that misbehaves (issue 26, item 10): a server that accepts
// and closes at once must be retried with backoff and at most `maxRetries` times; a request that
// times out while queued must free its queue slot at once.

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A `ws` server on loopback that accepts every connection and runs `onConnection` on it; counts them. */
async function flakyServer(onConnection: (close: (code: number) => void) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted: number[] = [];
  server.on('connection', (socket) => {
    accepted.push(Date.now());
    onConnection((code) => socket.close(code, 'internal error'));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/`, accepted };
}

describe('the retry limit bounds a flapping server', () => {
  it('a server that accepts and closes with 1011 at once gets 1 + maxRetries connections, backed off, then the client closes', async () => {
    const flaky = await flakyServer((close) => close(1011));
    const { client, of } = recordedClient(flaky.url, {
      maxRetries: 2,
      backoff: { baseMs: 100, maxMs: 1000 },
      random: () => 1, // the full backoff cap: 100 ms, then 200 ms
    });
    await sleep(1500);
    expect(flaky.accepted).toHaveLength(3);
    expect(of('reconnecting').map((r) => r.attempt)).toEqual([1, 2]);
    // Each retry waited its backoff (the second twice the first).
    const waits = flaky.accepted.slice(1).map((at, i) => at - (flaky.accepted[i] as number));
    expect(waits[0]).toBeGreaterThanOrEqual(90);
    expect(waits[1]).toBeGreaterThanOrEqual(190);
    expect(client.state).toBe('closed');
    expect(of('close').at(-1)).toMatchObject({ code: 1011, willReconnect: false });
  });

  it('without maxRetries the attempts back off up to maxMs instead of looping', async () => {
    const flaky = await flakyServer((close) => close(1011));
    const { client, of } = recordedClient(flaky.url, {
      backoff: { baseMs: 50, maxMs: 400 },
      random: () => 1,
    });
    await sleep(1500);
    // 0, +50, +100, +200, +400 (… +400): at most 6 in 1.5 s, where resetting the count on every
    // open gave one every 50 ms (30+).
    expect(flaky.accepted.length).toBeLessThanOrEqual(6);
    expect(
      of('reconnecting')
        .map((r) => r.attempt)
        .slice(0, 4),
    ).toEqual([1, 2, 3, 4]);
    expect(client.state).toBe('reconnecting');
  });

  it('a connection that stays open past stableAfterMs starts the count again', async () => {
    const flaky = await flakyServer((close) => setTimeout(() => close(1011), 250));
    const { client } = recordedClient(flaky.url, {
      maxRetries: 1,
      stableAfterMs: 100,
      backoff: { baseMs: 20, maxMs: 20 },
    });
    await sleep(1400);
    // Every connection lived 250 ms (> 100): each loss is a first failure, never the limit.
    expect(flaky.accepted.length).toBeGreaterThanOrEqual(4);
    expect(client.state).not.toBe('closed');
  });
});

describe('the send queue', () => {
  it('a request that times out while queued frees its slot at once', async () => {
    // Nothing listens: the client keeps trying to connect and queues.
    const client = createClient('ws://127.0.0.1:9/', { queueLimit: 1, backoff: { baseMs: 10_000 } });
    try {
      const first = client.request('x', undefined, { timeoutMs: 50 }).catch((e: unknown) => e);
      expect(() => client.send('y')).toThrow(expect.objectContaining({ code: 'QueueFull' }));
      expect(await first).toMatchObject({ code: 'Timeout' });
      // The timed-out request left the queue: there is room again.
      const second = client.request('x', undefined, { timeoutMs: 50 }).catch((e: unknown) => e);
      expect(await second).toBeInstanceOf(ClientError);
      expect(await second).toMatchObject({ code: 'Timeout' });
    } finally {
      client.close();
    }
  });
});
