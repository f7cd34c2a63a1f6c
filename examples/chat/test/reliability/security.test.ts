/**
 * Security, end to end through the emulator with real sockets: crafted joins of another user's
 * channel, errors that must not leak, logs that must not carry message bodies, the missing-$connect
 * warning, and oversize frames refused before any store or management work.
 */
import { MAX_PAYLOAD_BYTES, WebSocketApp, WebSocketError } from '@wsapp/core';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createChatApp } from '../../src/app.js';
import { nameAuthorizer } from '../../src/authorizer.js';
import { ChatClient } from '../chat-client.js';

const servers: LocalServer[] = [];
const clients: ChatClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() });
type Log = ReturnType<typeof logger>;

/** Everything written to a logger, as text (messages and structured extras, errors with their stacks). */
function logged(...loggers: Log[]): string {
  const seen = new WeakSet<object>();
  const text = (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack, cause: v.cause };
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    }) ?? '';
  return loggers
    .flatMap((l) =>
      [l.error, l.warn, l.info, l.debug].flatMap((fn) => fn.mock.calls.map((call) => text(call))),
    )
    .join('\n');
}

async function open(server: LocalServer, query: string): Promise<ChatClient> {
  const client = await ChatClient.open(`${server.url}?${query}`);
  clients.push(client);
  return client;
}

describe('joining a channel that is not yours', () => {
  it('chat: crafted room names never reach another user’s user# channel', async () => {
    const store = new MemoryConnectionStore();
    const log = logger();
    const server = await serve(createChatApp({ store, logger: log }), {
      authorizer: nameAuthorizer,
      logger: log,
    });
    servers.push(server);
    const ada = await open(server, 'name=ada');
    const mallory = await open(server, 'name=mallory');
    const crafted = [
      { action: 'join', room: '../user#ada' },
      { action: 'join', room: 'x#user#ada' },
      { action: 'join', room: 'user#ada' },
      { action: 'join', room: { toString: 'user#ada' } },
      { action: 'join', room: ['user#ada'] },
      { action: 'join', room: 'ada', channel: 'user#ada' },
      { action: 'join', room: 'a'.repeat(41) },
      { action: 'join', room: 'lobby\u0000user#ada' },
      { action: 'join', room: 'lobby', __proto__: { room: 'user#ada' } },
      { action: 'members', room: '../user#ada' },
      { action: 'say', room: 'user#ada', text: 'hi' },
    ];
    for (const message of crafted) {
      const answer = (await mallory.ask(message)) as { type?: string; message?: string };
      if (answer.type === 'ack') {
        // Accepted only as a room of its own name: never a user channel.
        expect((answer as { room?: string }).room).toMatch(/^[\w-]{1,40}$/);
      } else {
        expect(answer.message).toMatch(/Invalid message body|join .* first/);
      }
    }
    const adaRecord = (await store.get(server.connections.ids()[0]!))!;
    const records = await Promise.all(server.connections.ids().map((id) => store.get(id)));
    const malloryRecord = records.find((r) => r?.data.user === 'mallory')!;
    expect(malloryRecord.channels.filter((c) => c.startsWith('user#'))).toEqual(['user#mallory']);
    expect((await store.members('user#ada')).connectionIds).toEqual(
      records.filter((r) => r?.data.user === 'ada').map((r) => r!.connectionId),
    );
    expect(adaRecord).toBeDefined();
    // ada received nothing from mallory's attempts.
    expect(await ada.ask({ action: 'members', room: 'lobby' })).toMatchObject({ type: 'members' });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('an app whose clients name channels: authorizeJoin refuses another user’s channel, nothing written', async () => {
    const store = new MemoryConnectionStore();
    const log = logger();
    const app = new WebSocketApp({
      store,
      logger: log,
      authorizeJoin: (ctx, channel) =>
        !channel.startsWith('user#') || channel === `user#${String(ctx.authorizer?.principalId)}`,
    })
      .onConnect((ctx) => ctx.join(`user#${String(ctx.authorizer?.principalId)}`))
      .route(
        'subscribe',
        { twoWay: true, body: z.object({ channels: z.array(z.string()) }) },
        async (ctx) => {
          await ctx.join(...ctx.body.channels);
          return { subscribed: ctx.body.channels };
        },
      );
    const server = await serve(app, { authorizer: nameAuthorizer, logger: log });
    servers.push(server);
    const ada = await open(server, 'name=ada');
    const mallory = await open(server, 'name=mallory');
    const before = JSON.stringify(store.inspect());
    for (const channels of [
      ['user#ada'],
      ['news', 'user#ada'],
      ['user#mallory', 'user#ada'],
      ['USER#ada', 'user#ada'],
    ]) {
      expect(await mallory.ask({ action: 'subscribe', channels })).toMatchObject({
        message: expect.stringMatching(/^Not allowed to join "user#ada"$|^Forbidden$/),
      });
    }
    // A refused join writes nothing, not even the allowed channels asked for in the same call.
    expect(JSON.stringify(store.inspect())).toBe(before);
    expect(await mallory.ask({ action: 'subscribe', channels: ['news'] })).toEqual({ subscribed: ['news'] });
    const adaId = server.connections.ids()[0]!;
    expect((await store.members('user#ada')).connectionIds).toEqual([adaId]);
    expect(await ada.ask({ action: 'subscribe', channels: ['user#ada'] })).toEqual({
      subscribed: ['user#ada'],
    });
  });
});

describe('errors and logs', () => {
  const SECRET = 'db password hunter2 at 10.0.0.7';
  const BODY = 'BODY-MARKER-7f3a';

  it('a handler’s error reaches the client as a generic frame: no message, no stack; logs carry no body', async () => {
    const store = new MemoryConnectionStore();
    const appLog = logger();
    const gatewayLog = logger();
    const app = new WebSocketApp({ store, logger: appLog })
      .onConnect(() => undefined)
      .route('boom', { twoWay: true }, () => {
        throw new Error(SECRET);
      })
      .route('boom5xx', { twoWay: true }, () => {
        throw new WebSocketError(503, SECRET);
      })
      .route('throwsString', { twoWay: true }, () => {
        throw SECRET;
      })
      .route(
        'typed',
        { twoWay: true, body: z.object({ action: z.literal('typed'), n: z.number() }) },
        () => 'ok',
      )
      .route('asyncBoom', { twoWay: true }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        throw new TypeError(SECRET);
      });
    const server = await serve(app, { logger: gatewayLog });
    servers.push(server);
    const client = await open(server, '');
    for (const action of ['boom', 'boom5xx', 'throwsString', 'asyncBoom']) {
      const raw = JSON.stringify(await client.ask({ action, payload: BODY }));
      expect(raw).not.toContain('hunter2');
      expect(raw).not.toContain(BODY);
      expect(raw).not.toMatch(/\bat .*\(|\.ts:\d+|Error:/);
      expect(JSON.parse(raw)).toMatchObject({
        message: expect.stringMatching(/^(Internal server error|Service Unavailable|Request failed)$/),
      });
    }
    // Validation failures answer the issues (about the client's own message), and are not logged with it.
    const invalid = (await client.ask({ action: 'typed', n: BODY })) as { message: string };
    expect(invalid.message).toBe('Invalid message body');
    expect(JSON.stringify(invalid)).not.toContain(BODY);
    // Not JSON and unknown routes (no $default: the gateway's Forbidden frame): nothing logs the body.
    client.ws.send(`not json ${BODY}`);
    await client.next();
    expect(await client.ask({ action: 'nope', payload: BODY })).toMatchObject({ message: 'Forbidden' });

    const logs = logged(appLog, gatewayLog);
    expect(appLog.error).toHaveBeenCalled(); // the errors are logged, for the operator…
    expect(logs).toContain('hunter2'); // …with their internal message…
    expect(logs).not.toContain(BODY); // …but never with the message body.
  });
});

describe('gateway guarantees', () => {
  it('no $connect route: a warning, once, through the emulator', async () => {
    const log = logger();
    const app = new WebSocketApp({ logger: log }).route('ping', { twoWay: true }, () => ({ pong: true }));
    const server = await serve(app, { logger: logger() });
    servers.push(server);
    const a = await open(server, '');
    const b = await open(server, '');
    expect(await a.ask({ action: 'ping' })).toEqual({ pong: true });
    expect(await b.ask({ action: 'ping' })).toEqual({ pong: true });
    const warnings = log.warn.mock.calls.filter(([m]) => String(m).includes('no $connect handler'));
    expect(warnings).toHaveLength(1);
  });

  it('an oversize message is refused before any store or management work', async () => {
    const store = new MemoryConnectionStore();
    const handler = vi.fn(() => 'ok');
    const app = new WebSocketApp({ store, logger: logger() })
      .onConnect((ctx) => ctx.join('room'))
      .route('big', async (ctx) => {
        handler();
        await ctx.join('big-room');
        await ctx.broadcast({ channels: ['room'] }, 'echo');
        return 'ok';
      });
    const server = await serve(app, { logger: logger() });
    servers.push(server);
    const client = await open(server, '');
    await client.ask({ action: 'nope' }); // a round trip: the $connect is recorded
    const before = JSON.stringify(store.inspect());
    server.stats.reset();
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    const oversize = JSON.stringify({ action: 'big', pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    client.ws.send(oversize);
    expect(await closed).toBe(1009);
    await new Promise((r) => setTimeout(r, 200));
    expect(handler).not.toHaveBeenCalled();
    expect(server.stats.total).toBe(0);
    // The only store change allowed is the $disconnect of the closed socket.
    const after = store.inspect();
    expect(after.memberships.filter((m) => m.channel === 'big-room')).toEqual([]);
    expect(JSON.parse(before).connections).toHaveLength(1);
    expect(after.connections).toHaveLength(0);

    // The same limit inside the Lambda: an oversize event body answers 413 without touching anything.
    const store2 = new MemoryConnectionStore();
    const app2 = new WebSocketApp({ store: store2, logger: logger() }).route('big', { twoWay: true }, () => {
      handler();
      return 'ok';
    });
    const { messageEvent } = await import('@wsapp/testing');
    const answer = await app2.resolve(messageEvent(oversize, { routeKey: 'big' }));
    expect(answer.statusCode).toBe(413);
    expect(handler).not.toHaveBeenCalled();
    expect(store2.inspect()).toEqual({ connections: [], memberships: [] });
  });
});
