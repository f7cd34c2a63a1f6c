import { CORRELATION_FIELD, correlationId, heartbeat, WebSocketApp, WebSocketError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

/** A real memory store whose every method call is counted. */
function countingStore() {
  const store = new MemoryConnectionStore();
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

describe('request ids in the body', () => {
  const app = new WebSocketApp({ logger: silentLogger() });
  // A strict schema: the id must not reach validation.
  app.route('join', { body: z.strictObject({ action: z.literal('join'), room: z.string() }) }, (ctx) => ({
    joined: ctx.body.room,
    rid: correlationId(ctx),
  }));
  app.route('text', () => 'plain text');
  app.route('nothing', () => undefined);
  app.route('fail', () => {
    throw new WebSocketError(403, 'no');
  });
  app.route('crash', () => {
    throw new Error('secret internals');
  });

  const ask = async (body: unknown) => (await app.resolve(messageEvent(body))).body;

  it('wraps answers to correlated messages in the reply envelope', async () => {
    expect(JSON.parse((await ask({ action: 'join', room: 'r', [CORRELATION_FIELD]: 'a1' })) ?? '')).toEqual({
      $rid: 'a1',
      ok: true,
      data: { joined: 'r', rid: 'a1' },
    });
    expect(JSON.parse((await ask({ action: 'text', $rid: 'a2' })) ?? '')).toEqual({
      $rid: 'a2',
      ok: true,
      data: 'plain text',
    });
  });

  it('carries the id on errors: exposed 4xx as they are, 5xx generic', async () => {
    expect(JSON.parse((await ask({ action: 'fail', $rid: 'e1' })) ?? '')).toMatchObject({
      $rid: 'e1',
      ok: false,
      status: 403,
      error: { message: 'no' },
    });
    const crash = JSON.parse((await ask({ action: 'crash', $rid: 'e2' })) ?? '');
    expect(crash).toMatchObject({
      $rid: 'e2',
      ok: false,
      status: 500,
      error: { message: 'Internal server error' },
    });
    expect(JSON.stringify(crash)).not.toContain('secret');
    const invalid = JSON.parse((await ask({ action: 'join', room: 5, $rid: 'e3' })) ?? '');
    expect(invalid).toMatchObject({ $rid: 'e3', ok: false, status: 400 });
  });

  it('leaves uncorrelated messages, bodiless answers and odd ids alone', async () => {
    expect(await ask({ action: 'join', room: 'r' })).toBe(JSON.stringify({ joined: 'r' }));
    expect(await ask({ action: 'nothing', $rid: 'n1' })).toBeUndefined();
    // Not a string id: not correlated, and left in the body (so the strict schema refuses it).
    const numeric = JSON.parse((await ask({ action: 'join', room: 'r', $rid: 7 })) ?? '');
    expect(numeric).not.toHaveProperty('$rid');
    expect((await app.resolve(messageEvent({ action: 'join', room: 'r', $rid: 7 }))).statusCode).toBe(400);
    expect(await ask({ action: 'join', room: 'r', $rid: 'x'.repeat(129) })).not.toContain('"$rid"');
  });

  it('keeps the id through in-Lambda route selection', async () => {
    const routed = new WebSocketApp({ logger: silentLogger(), routeSelection: '$request.body.action' });
    routed.route('echo', (ctx) => ctx.body);
    const event = messageEvent({ action: 'echo', v: 1, $rid: 's1' }, { routeKey: '$default' });
    expect(JSON.parse((await routed.resolve(event)).body ?? '')).toEqual({
      $rid: 's1',
      ok: true,
      data: { action: 'echo', v: 1 },
    });
  });
});

describe('heartbeat(app)', () => {
  it('answers without touching the store, with and without a request id', async () => {
    const { store, calls } = countingStore();
    const app = heartbeat(new WebSocketApp({ store, logger: silentLogger() }));
    app.onConnect(() => undefined);
    const connectionId = 'L0SM9cOFvHcCIhw=';
    expect((await app.resolve(connectEvent({ connectionId }))).statusCode).toBe(200);
    const afterConnect = calls.length;
    expect(afterConnect).toBeGreaterThan(0); // the counter sees the store's work

    for (let i = 0; i < 20; i++) {
      const plain = await app.resolve(messageEvent({ action: 'heartbeat' }, { connectionId }));
      expect(plain).toEqual({ statusCode: 200 });
      const checked = await app.resolve(
        messageEvent({ action: 'heartbeat', $rid: `h${i}` }, { connectionId }),
      );
      expect(JSON.parse(checked.body ?? '')).toEqual({ $rid: `h${i}`, ok: true, data: true });
    }
    expect(calls.length).toBe(afterConnect);
    await app.resolve(disconnectEvent({ connectionId }));
    expect(calls.length).toBeGreaterThan(afterConnect);
  });

  it('takes another route key', async () => {
    const app = heartbeat(new WebSocketApp({ logger: silentLogger() }), { action: 'ping' });
    expect(app.routeKeys).toContain('ping');
  });
});
