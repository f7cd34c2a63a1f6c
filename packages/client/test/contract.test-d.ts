import { createClient, type GapEvent, type ResumedEvent, type ResumeReason } from '@wsapp/client';
import { defineApi, type PushOf, typed, WebSocketApp } from '@wsapp/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

// The contract, written once and used by both sides.
const api = defineApi({
  routes: {
    join: {
      body: z.object({ action: z.literal('join'), room: z.string() }),
      response: typed<{ joined: string }>(),
    },
    say: { body: z.object({ room: z.string(), text: z.string().default('') }) },
    ping: {},
  },
  push: typed<{ type: 'message'; text: string } | { type: 'joined'; user: string }>(),
});

describe('server side', () => {
  it('types the body from the schema and checks the handler against the response type', () => {
    const app = new WebSocketApp();
    app.route('join', api.routes.join, (ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<{ action: 'join'; room: string }>();
      return { joined: ctx.body.room };
    });
    app.route('join', api.routes.join, async (ctx) => ({ joined: ctx.body.room }));
    // @ts-expect-error: the response type says `joined: string`
    app.route('join', api.routes.join, () => ({ joined: 1 }));
    // @ts-expect-error: a misspelt field
    app.route('join', api.routes.join, () => ({ jioned: 'x' }));
    // Routes without a response type answer anything, as before.
    app.route('say', api.routes.say, () => 42);
  });

  it('types pushes for `satisfies`', () => {
    expectTypeOf<PushOf<typeof api>>().toEqualTypeOf<
      { type: 'message'; text: string } | { type: 'joined'; user: string }
    >();
  });
});

describe('client side', () => {
  const client = createClient<typeof api>('ws://127.0.0.1:1/local');

  it('offers the route names and the bodies (schema input, without `action`)', () => {
    expectTypeOf(client.request<'join'>)
      .parameter(0)
      .toEqualTypeOf<'join'>();
    expectTypeOf(client.request('join', { room: 'lobby' })).toEqualTypeOf<Promise<{ joined: string }>>();
    // Schema input: defaulted fields are optional.
    expectTypeOf(client.request('say', { room: 'lobby' })).toEqualTypeOf<Promise<unknown>>();
    client.send('ping');
    client.request('ping', undefined, { timeoutMs: 100 });
    // @ts-expect-error: unknown route
    client.request('jion', { room: 'x' });
    // @ts-expect-error: wrong body type
    client.request('join', { room: 1 });
    // @ts-expect-error: missing required field
    client.request('join', {});
    // @ts-expect-error: the body is required when it has required fields
    client.send('join');
  });

  it('types pushed messages', () => {
    client.on('message', (push) => {
      expectTypeOf(push).toEqualTypeOf<
        { type: 'message'; text: string } | { type: 'joined'; user: string }
      >();
    });
  });

  it('is untyped without a contract', () => {
    const loose = createClient('ws://127.0.0.1:1/local');
    expectTypeOf(loose.request('anything', { a: 1 })).toEqualTypeOf<Promise<unknown>>();
    loose.on('message', (push) => expectTypeOf(push).toEqualTypeOf<unknown>());
  });

  it('types the session events and the resume reply handed to `resume`', () => {
    const resumable = createClient<typeof api>('ws://127.0.0.1:1/local', {
      session: { storage: { get: () => undefined, set: (_token: string) => undefined } },
      resume: (s) => expectTypeOf(s.resumed).toEqualTypeOf<ResumedEvent | undefined>(),
    });
    resumable.on('resumed', (e) => {
      expectTypeOf(e.resumed).toEqualTypeOf<boolean>();
      expectTypeOf(e.reason).toEqualTypeOf<ResumeReason | undefined>();
      expectTypeOf(e.heads).toEqualTypeOf<Readonly<Record<string, number>>>();
    });
    resumable.on('gap', (g) => {
      expectTypeOf(g).toEqualTypeOf<GapEvent>();
      expectTypeOf(g.oldestSeq).toEqualTypeOf<number | undefined>();
    });
    // @ts-expect-error: the storage keeps strings
    createClient('ws://127.0.0.1:1/local', { session: { storage: { get: () => 1, set: () => undefined } } });
  });
});
