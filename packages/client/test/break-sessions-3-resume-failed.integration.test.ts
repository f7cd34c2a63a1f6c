import { describe, expect, it, vi } from 'vitest';
import { sessionBackends } from '../../local/test/session-backends.js';
import { startIndexRelay } from './break-sessions-relay.js';
import { recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// client README, "Sessions": "A resume or replay request that times out or is answered 429/5xx is
// retried on the same connection (3 attempts …). When it still fails … the connection **stays up**
// (its channels were rejoined at connect), `error { error, during: 'resume' | 'replay' }` is
// emitted, and what was not replayed is asked for at the next resume". "Staying alive": a
// replacement that fails "leaves the current connection as it was — with a session, still recorded
// and receiving". Attack: the make-before-break replacement's resume request is answered 503 three
// times (a throttled resume Lambda) while the current connection is fine. Deterministic: no random
// choice (the retries' jitter is fixed by `random`).

type Api = typeof sessionApi;

for (const backend of sessionBackends) {
  describe(`break-sessions-3: a replacement whose resume request keeps failing (${backend.name})`, {
    timeout: 30_000,
  }, () => {
    it("the client ends on a connection that receives its rooms' messages (channels rejoined at connect, or the old one kept)", async () => {
      console.log('break-sessions-3 resume-failed: no seed (random fixed at 0.5)');
      const fixture = sessionApp({ store: (await backend.make()).store });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      try {
        const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<Api>(server.url, {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 1500,
          backoff: { baseMs: 50, maxMs: 100 },
          random: () => 0.5,
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await publisher.client.request('publish', { room: 'a', n: 1 });
        fixture.failResumes(3); // the replacement's resume request, and its two retries
        await vi.waitFor(() => expect(sub.of('error').length).toBe(1), { timeout: 10_000 });
        await vi.waitFor(() => expect(sub.of('open').filter((o) => o.rotated)).toHaveLength(1), {
          timeout: 5000,
        });
        await sleep(200);
        // Before the next replacement (1.5 s after the switch): a message to its room.
        await publisher.client.request('publish', { room: 'a', n: 2 });
        await sleep(500);
        const got = sub.of('message').map((m) => (m as Numbered).n);
        const opens = sub.of('open').length;
        const joined = await sub.client.request('join', { room: 'b' }).then(
          (reply) => reply,
          (error: unknown) => String(error),
        );
        console.log(
          `break-sessions-3 resume-failed (${backend.name}): error ${String(sub.of('error')[0]?.error)} during ${sub.of('error')[0]?.during}; received ${JSON.stringify(got)} (opens ${opens}); join b → ${JSON.stringify(joined)}`,
        );
        expect(opens).toBe(2); // no further replacement yet: the check is on the switched-to connection
        expect(got).toEqual([1, 2]);
      } finally {
        await stop(server);
      }
    });
  });
}

for (const backend of sessionBackends) {
  describe(`break-sessions-3: a reconnect whose resume request keeps failing, the old connection still recorded (${backend.name})`, {
    timeout: 30_000,
  }, () => {
    it("the connection that stays up receives its rooms' messages (its channels were rejoined at connect)", async () => {
      const fixture = sessionApp({ store: (await backend.make()).store });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startIndexRelay(server.port);
      try {
        const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<Api>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          backoff: { baseMs: 50, maxMs: 100 },
          random: () => 0.5,
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await publisher.client.request('publish', { room: 'a', n: 1 });
        await vi.waitFor(() => expect(sub.of('message')).toHaveLength(1));
        fixture.failResumes(3); // the reconnect's resume request, and its two retries
        relay.sever(0); // the network vanishes under the client; API Gateway has not noticed yet
        await vi.waitFor(() => expect(sub.of('error').length).toBe(1), { timeout: 10_000 });
        await sleep(200);
        await publisher.client.request('publish', { room: 'a', n: 2 });
        await sleep(500);
        const got = sub.of('message').map((m) => (m as Numbered).n);
        console.log(
          `break-sessions-3 resume-failed reconnect (${backend.name}): error during ${sub.of('error')[0]?.during}; state ${sub.client.state}; received ${JSON.stringify(got)}; server connections ${server.connections.size}`,
        );
        expect(sub.client.state).toBe('open');
        expect(got).toEqual([1, 2]);
      } finally {
        await relay.close();
        await stop(server);
      }
    });
  });
}
