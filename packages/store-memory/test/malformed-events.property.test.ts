import { WebSocketApp, type WebSocketEvent } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

// Property-based: whatever arrives, resolve() answers a valid API Gateway response, never
// rejects, leaves no unhandled rejection, writes nothing for bad input, pollutes no prototype.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

function build() {
  const store = new MemoryConnectionStore();
  const logger = { error: vi.fn(), warn: vi.fn() };
  const app = new WebSocketApp({ store, logger, routeSelection: '$request.body.action' })
    .onConnect((ctx) => ctx.join('lobby'))
    .route('obj', { body: z.object({ action: z.literal('obj'), n: z.number() }) }, (ctx) => ({
      n: ctx.body.n,
    }))
    .route('join', (ctx) => ctx.join(String((ctx.body as { room?: unknown })?.room)))
    .onDefault((ctx) => ({ echo: ctx.body ?? null }));
  return { app, store };
}

const jsonish = fc.jsonValue({ maxDepth: 6 });
const pollution = fc.constantFrom(
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"action":"__proto__","polluted":true}',
  '{"action":"constructor"}',
  '{"action":"obj","__proto__":{"n":1}}',
  '{"action":"join","room":"__proto__"}',
);
const deep = fc.integer({ min: 1_000, max: 30_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  jsonish.map((v) => JSON.stringify(v)),
  pollution,
  deep,
  fc.constant('x'.repeat(128 * 1024 + 1)),
  fc.constant(null),
  fc.integer(),
  fc.dictionary(fc.string(), fc.string()),
);
const anything = fc.anything({ maxDepth: 3 });

/** Events that are valid except for one broken part. */
const brokenEvent: fc.Arbitrary<unknown> = fc.oneof(
  anything,
  fc.record({ requestContext: anything, body }),
  fc.record({
    requestContext: fc.record({
      routeKey: fc.oneof(fc.string(), anything),
      eventType: fc.oneof(fc.constantFrom('CONNECT', 'MESSAGE', 'DISCONNECT'), fc.string(), anything),
      connectionId: fc.oneof(fc.string({ maxLength: 200 }), anything),
      requestId: anything,
      authorizer: anything,
      identity: anything,
    }),
    body,
    isBase64Encoded: fc.oneof(fc.boolean(), anything),
    headers: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), anything)), anything),
    queryStringParameters: anything,
  }),
  body.map((b) => {
    const event = messageEvent('x', { routeKey: '$default' });
    (event as { body: unknown }).body = b;
    return event;
  }),
  fc.string({ maxLength: 300 }).map((b) => {
    const event = messageEvent('x', { routeKey: '$default' });
    event.body = b;
    event.isBase64Encoded = true; // mostly invalid base64
    return event;
  }),
  fc
    .dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 5_000 }), { maxKeys: 50 })
    .map((headers) => connectEvent({ headers })),
);

describe('malformed events (property-based)', () => {
  it('always answer a valid response with a status, never reject, never pollute', async () => {
    const { app } = build();
    await fc.assert(
      fc.asyncProperty(brokenEvent, async (event) => {
        const res = await app.resolve(event as WebSocketEvent);
        expect(Number.isInteger(res.statusCode)).toBe(true);
        expect(res.statusCode >= 200 && res.statusCode <= 599).toBe(true);
        if (res.body !== undefined) expect(typeof res.body).toBe('string');
        if (res.statusCode >= 500) expect(res.body).toContain('Internal server error');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: 3_000 },
    );
    expect(unhandled).toEqual([]);
  }, 120_000);

  it('bad input changes nothing in the store', async () => {
    const { app, store } = build();
    await app.resolve(connectEvent({ connectionId: 'known=' }));
    await fc.assert(
      fc.asyncProperty(brokenEvent, async (event) => {
        const before = JSON.stringify(store.inspect());
        const res = await app.resolve(event as WebSocketEvent);
        // A rejected event (4xx/5xx) must leave the store exactly as it was.
        if (res.statusCode >= 400) expect(JSON.stringify(store.inspect())).toBe(before);
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it('prototype-pollution keys in bodies reach handlers as plain data', async () => {
    const { app, store } = build();
    await app.resolve(connectEvent({ connectionId: 'c1=' }));
    const res = await app.resolve(
      messageEvent('{"__proto__":{"polluted":true},"x":1}', { routeKey: '$default', connectionId: 'c1=' }),
    );
    expect(res.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const joined = await app.resolve(
      messageEvent({ action: 'join', room: '__proto__' }, { connectionId: 'c1=' }),
    );
    expect(joined.statusCode).toBe(200);
    expect((await store.members('__proto__')).connectionIds).toEqual(['c1=']);
    await app.resolve(disconnectEvent({ connectionId: 'c1=' }));
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });
});
