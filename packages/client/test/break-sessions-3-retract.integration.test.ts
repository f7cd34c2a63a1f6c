import type { ConnectionStore } from '@wsapp/core';
import { describe, expect, it, vi } from 'vitest';
import { sessionBackends } from '../../local/test/session-backends.js';
import { startCuttingRelay } from './break-sessions-relay.js';
import { recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// core README, "All history channels or none": "The appends of one broadcast (to every history
// channel of its target, in parallel …) either all land, or the broadcast rejects and none of them
// holds the message"; "a deadline already reached … appends still running at the deadline reject
// the broadcast with `StoreUnavailableError` and are taken back when they land". Not covered, per
// the README: "a resume whose replay reads the log in the milliseconds between an append and its
// take-back is replayed it". Attack: one channel's append is slow (a slow shard: 4 s, injected on
// the real store, the other channel untouched) and outlives the broadcast's deadline; the other
// channel's append landed at once. After the broadcast rejected, does room#a still hold it, and is
// it replayed to a session that resumes a second later (far from "milliseconds")?
// Deterministic: no random choice.

const SLOW_MS = 4000;

function slowIn(real: ConnectionStore, channel: string): ConnectionStore {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return async (...args: unknown[]) => {
        if (property === 'appendHistory' && args[0] === channel) await sleep(SLOW_MS);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

for (const backend of sessionBackends) {
  describe(`break-sessions-3: a broadcast whose append in one channel outlives its deadline (${backend.name})`, {
    timeout: 40_000,
  }, () => {
    it('rejects and no channel holds the message: a session that resumes after the rejection is not replayed it', async () => {
      console.log('break-sessions-3 retract: no seed (no random choice)');
      const store = slowIn((await backend.make()).store, 'room#b');
      // Broadcasts get ~800 ms before their deadline (29 s integration timeout, 28.2 s margin).
      const { app } = sessionApp({ store, deadlineMarginMs: 28_200 });
      const server = await start(app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      try {
        const publisher = recordedClient<typeof sessionApi>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<typeof sessionApi>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          backoff: { baseMs: 50, maxMs: 200 },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        relay.down();
        relay.resetAll();
        await vi.waitFor(() => expect(server.connections.size).toBe(1), { timeout: 10_000 });
        const started = Date.now();
        const outcome = await publisher.client
          .request('publishAll', { channels: ['room#a', 'room#b'], n: 1 })
          .then(
            (reply) => reply,
            (error: unknown) => String(error),
          );
        const rejectedAfter = Date.now() - started;
        const held = (await app.history('room#a')).entries.map((e) => e.seq);
        relay.up();
        await vi.waitFor(() => expect(sub.of('resumed').length).toBe(2), { timeout: 10_000 });
        const resumedAfter = Date.now() - started;
        await sleep(SLOW_MS); // the slow append lands and is taken back meanwhile
        const replayed = sub.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);
        console.log(
          `break-sessions-3 retract (${backend.name}): broadcast → ${JSON.stringify(outcome)} after ${rejectedAfter} ms; room#a holds ${JSON.stringify(held)} then; resumed after ${resumedAfter} ms, replayed ${JSON.stringify(replayed)}; room#a now ${JSON.stringify((await app.history('room#a')).entries.map((e) => e.seq))}`,
        );
        expect(typeof outcome).toBe('string'); // the broadcast rejected
        expect({ held, replayed }).toEqual({ held: [], replayed: [] });
      } finally {
        await relay.close();
        await stop(server);
      }
    });
  });
}
