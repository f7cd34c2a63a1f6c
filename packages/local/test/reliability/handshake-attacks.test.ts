import type { WebSocketEvent } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, start } from '../helpers.js';
import { handshake, RawClient } from '../raw-client.js';

/** A plain handler recording every event; `$connect` waits for `gate` when one is set. */
function recorder() {
  const log = new EventLog();
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const connectsStarted = { count: 0 };
  const handler = async (event: WebSocketEvent) => {
    if (event.requestContext.routeKey === '$connect') {
      connectsStarted.count++;
      if (gate) await gate;
    }
    log.record(event);
    return { statusCode: 200 };
  };
  return {
    log,
    handler,
    connectsStarted,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release: () => release(),
    count: (routeKey: string) => log.routeKeys().filter((k) => k === routeKey).length,
  };
}

describe('handshakes are validated before $connect runs', () => {
  const bad: Array<[string, Record<string, string | undefined>, string?]> = [
    ['a bad Sec-WebSocket-Key', { 'Sec-WebSocket-Key': 'not-a-key' }],
    ['no Sec-WebSocket-Version', { 'Sec-WebSocket-Version': undefined }],
    ['Sec-WebSocket-Version 12', { 'Sec-WebSocket-Version': '12' }],
    ['a POST', {}, 'POST'],
    ['a malformed Sec-WebSocket-Protocol', { 'Sec-WebSocket-Protocol': 'chat,,v2' }],
    ['a Sec-WebSocket-Protocol with spaces inside a token', { 'Sec-WebSocket-Protocol': 'a b' }],
  ];
  it.each(bad)('%s is refused with 4xx and never invokes $connect', async (_name, overrides, method) => {
    const r = recorder();
    const server = await start(r.handler);
    const client = await RawClient.open(
      server.port,
      handshake(server.domainName, '/local', overrides, method),
    );
    const status = await client.status();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await client.closed;
    expect(r.connectsStarted.count).toBe(0);
    expect(server.connections.size).toBe(0);
  });
});

describe('every connection $connect accepted gets exactly one $disconnect', () => {
  it.each(['half-close', 'reset'] as const)(
    'clients that %s while $connect runs (200 of them)',
    async (how) => {
      const r = recorder();
      const server = await start(r.handler);
      r.hold();
      const clients = await Promise.all(
        Array.from({ length: 200 }, () =>
          RawClient.open(server.port, handshake(server.domainName, '/local')),
        ),
      );
      await expect.poll(() => r.connectsStarted.count, { timeout: 20_000 }).toBe(200);
      for (const c of clients) how === 'reset' ? c.reset() : c.halfClose();
      await Promise.all(clients.map((c) => (how === 'reset' ? c.closed : Promise.resolve())));
      r.release();
      await expect.poll(() => r.count('$disconnect'), { timeout: 20_000 }).toBe(200);
      expect(r.count('$connect')).toBe(200);
      const connected = new Set(
        r.log.events
          .filter((e) => e.requestContext.routeKey === '$connect')
          .map((e) => e.requestContext.connectionId),
      );
      const disconnected = r.log.events
        .filter((e) => e.requestContext.routeKey === '$disconnect')
        .map((e) => e.requestContext.connectionId);
      expect(new Set(disconnected)).toEqual(connected);
      for (const c of clients) c.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(r.count('$disconnect')).toBe(200);
      expect(server.connections.size).toBe(0);
    },
    60_000,
  );

  it('server.close() resolves only after the $disconnect of connections still in $connect', async () => {
    const r = recorder();
    const server = await start(r.handler);
    const open = await connect(server.url);
    r.hold();
    const pending = await RawClient.open(server.port, handshake(server.domainName, '/local'));
    await expect.poll(() => r.connectsStarted.count).toBe(2);
    const closing = server.close();
    setTimeout(() => r.release(), 200);
    await closing;
    expect(r.count('$connect')).toBe(2);
    expect(r.count('$disconnect')).toBe(2);
    await open.closed;
    await pending.closed;
  });
});

describe('query and header names are data', () => {
  it('?toString, ?constructor, ?__proto__ and such headers reach $connect as own properties', async () => {
    const r = recorder();
    const server = await start(r.handler);
    const target = '/local?toString=1&constructor=x&__proto__=z&hasOwnProperty=h&constructor=y';
    const client = await RawClient.open(
      server.port,
      handshake(
        server.domainName,
        target,
        Object.fromEntries([
          ['__proto__', 'p'],
          ['constructor', 'c'],
          ['toString', 't'],
        ]),
      ),
    );
    expect(await client.status()).toBe(101);
    const event = await r.log.waitFor('$connect');
    expect(event.queryStringParameters).toEqual(
      Object.fromEntries([
        ['toString', '1'],
        ['constructor', 'y'],
        ['__proto__', 'z'],
        ['hasOwnProperty', 'h'],
      ]),
    );
    expect(Object.getOwnPropertyNames(event.queryStringParameters).sort()).toEqual([
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
    ]);
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['x', 'y']);
    expect(Object.hasOwn(event.headers ?? {}, '__proto__')).toBe(true);
    expect(event.headers?.constructor).toBe('c');
    expect(event.multiValueHeaders?.toString).toEqual(['t']);
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).z).toBeUndefined();
    client.socket.destroy();
    await expect.poll(() => r.count('$disconnect')).toBe(1);
  });
});
