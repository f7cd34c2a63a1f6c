import { ClientError } from '@wsapp/client';
import { describe, expect, it, vi } from 'vitest';
import { type api, fixtureApp } from './fixture-app.js';
import { recordedClient, sleep, start, stop } from './helpers.js';

type Api = typeof api;
vi.setConfig({ testTimeout: 20_000 });

describe('request/response through the emulator', () => {
  it('resolves two-way route responses and rejects error statuses with them', async () => {
    const server = await start(fixtureApp().app);
    const { client } = recordedClient<Api>(server.url);
    await expect(client.request('echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
    const error = await client.request('forbidden', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'Rejected', status: 403, message: 'not for you' });
    // Validation failures come back as 400 with the issues.
    const invalid = await client.request('echo', { text: 7 as unknown as string }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'Rejected', status: 400 });
  });

  it('matches concurrent requests whose replies arrive out of order (ctx.send replies and route responses)', async () => {
    const server = await start(fixtureApp().app);
    const { client, of } = recordedClient<Api>(server.url);
    await client.ready();
    const order: string[] = [];
    const track = <T>(label: string, p: Promise<T>) =>
      p.then((v) => {
        order.push(label);
        return v;
      });
    // `later` answers through ctx.send after ms: the first sent is answered last.
    const later = Array.from({ length: 10 }, (_, n) =>
      track(`later${n}`, client.request('later', { n, ms: (10 - n) * 100 })),
    );
    const echoes = Array.from({ length: 10 }, (_, n) =>
      track(`echo${n}`, client.request('echo', { text: `e${n}` })),
    );
    expect(await Promise.all(later)).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
    expect(await Promise.all(echoes)).toEqual(Array.from({ length: 10 }, (_, n) => ({ text: `e${n}` })));
    const laterOrder = order.filter((l) => l.startsWith('later'));
    expect(laterOrder).toEqual(Array.from({ length: 10 }, (_, n) => `later${9 - n}`)); // really out of order
    expect(of('message')).toEqual([]); // no reply leaked out as a push
  });

  it('times out a request nobody answers', async () => {
    const server = await start(fixtureApp().app);
    const { client } = recordedClient<Api>(server.url);
    // `record` answers nothing (a one-way route): the request can only time out.
    await expect(client.request('record', { n: 1 }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'Timeout',
    });
  });
});

describe('staying alive', () => {
  it('the heartbeat keeps a connection past a short idle timeout; without it the connection drops', async () => {
    const server = await start(fixtureApp().app, { idleTimeoutMs: 500 });
    const beating = recordedClient<Api>(server.url, { heartbeat: { intervalMs: 150 } });
    const silent = recordedClient<Api>(server.url, { heartbeat: false, backoff: { baseMs: 50 } });
    await Promise.all([beating.client.ready(), silent.client.ready()]);
    await sleep(1800);
    expect(beating.of('close')).toEqual([]);
    expect(beating.of('open')).toHaveLength(1);
    await expect(beating.client.request('echo', { text: 'still here' })).resolves.toEqual({
      text: 'still here',
    });
    // The control: the same idle timeout closed the silent one with 1001 Going away (and it reconnected).
    expect(silent.of('close')[0]).toMatchObject({ code: 1001, willReconnect: true });
  });

  it('a heartbeat with a timeout checks liveness through the two-way heartbeat route', async () => {
    const server = await start(fixtureApp().app, { idleTimeoutMs: 500 });
    const { client, of } = recordedClient<Api>(server.url, {
      heartbeat: { intervalMs: 150, timeoutMs: 1000 },
    });
    await client.ready();
    await sleep(1200);
    expect(of('close')).toEqual([]);
    expect(of('open')).toHaveLength(1);
  });

  it('crosses the (shortened) maximum connection duration by make-before-break, losing no message', async () => {
    const server = await start(fixtureApp().app, { maxConnectionMs: 1500 });
    const rotation = { rotateAfterMs: 900, drainMs: 300 };
    const subscriber = recordedClient<Api>(server.url, {
      ...rotation,
      resume: async (session) => {
        await session.request('join', { room: 'r' });
      },
    });
    // The control: the same subscriber without replacement is dropped at the maximum and misses messages.
    const control = recordedClient<Api>(server.url, {
      rotateAfterMs: 60_000,
      resume: async (session) => {
        await session.request('join', { room: 'r' });
      },
    });
    const publisher = recordedClient<Api>(server.url, rotation);
    await Promise.all([subscriber.client.ready(), publisher.client.ready(), control.client.ready()]);
    const acknowledged: number[] = [];
    const until = Date.now() + 4200;
    for (let seq = 0; Date.now() < until; seq++) {
      const { delivered } = await publisher.client.request('publish', { room: 'r', seq });
      if (delivered > 0) acknowledged.push(seq);
      await sleep(15);
    }
    await sleep(300);
    const received = new Set(subscriber.of('message').map((m) => (m as { seq: number }).seq));
    const missing = acknowledged.filter((seq) => !received.has(seq));
    const controlReceived = new Set(control.of('message').map((m) => (m as { seq: number }).seq));
    const controlMissing = acknowledged.filter((seq) => !controlReceived.has(seq));
    console.log(
      `max duration: ${acknowledged.length} messages published, ${received.size} distinct received, ` +
        `${missing.length} missing (without replacement: ${controlMissing.length} missing); subscriber rotations ${subscriber.of('open').filter((o) => o.rotated).length}`,
    );
    expect(acknowledged.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    expect(subscriber.of('open').filter((o) => o.rotated).length).toBeGreaterThanOrEqual(3);
    expect(subscriber.of('close')).toEqual([]); // never dropped: every connection was replaced first
    expect(publisher.of('close')).toEqual([]);
    expect(control.of('close')[0]).toMatchObject({ code: 1001, willReconnect: true });
    expect(controlMissing.length).toBeGreaterThan(0);
  });

  it('a replaced connection that the server closes while it drains is no loss', async () => {
    const server = await start(fixtureApp().app, { maxConnectionMs: 1200 });
    const { client, of } = recordedClient<Api>(server.url, { rotateAfterMs: 700, drainMs: 5000 });
    await client.ready();
    await sleep(500);
    // Answered (to the old connection) only after the maximum closed it: keeps the old one draining.
    const stranded = client.request('later', { n: 1, ms: 1500 }, { timeoutMs: 5000 });
    await expect(stranded).rejects.toMatchObject({ code: 'ConnectionLost' });
    expect(of('open').map((o) => o.rotated)).toEqual([false, true]); // replaced once, never reconnected
    expect(of('close')).toEqual([]);
    expect(of('reconnecting')).toEqual([]);
    await expect(client.request('echo', { text: 'new one' })).resolves.toEqual({ text: 'new one' });
  });
});

describe('reconnecting', () => {
  it('reconnects with exponential backoff and full jitter after the emulator restarts', async () => {
    const { app } = fixtureApp();
    const first = await start(app);
    const port = first.port;
    const backoff = { baseMs: 100, maxMs: 800 };
    const { client, of } = recordedClient<Api>(first.url, { backoff, heartbeat: false });
    await client.ready();
    await stop(first);
    await sleep(1500);
    expect(client.state).toBe('reconnecting');
    await start(app, { port });
    await expect.poll(() => client.state, { timeout: 5000 }).toBe('open');
    await expect(client.request('echo', { text: 'back' })).resolves.toEqual({ text: 'back' });

    expect(of('close')[0]).toMatchObject({ code: 1001, willReconnect: true });
    const attempts = of('reconnecting');
    console.log(
      `restart: ${attempts.length} attempts, delays ${attempts.map((a) => a.delayMs).join(', ')} ms`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(3); // refused attempts while the emulator was down
    attempts.forEach((a, i) => {
      expect(a.attempt).toBe(i + 1);
      expect(a.delayMs).toBeGreaterThanOrEqual(0);
      expect(a.delayMs).toBeLessThan(Math.min(backoff.maxMs, backoff.baseMs * 2 ** i));
    });
    expect(of('open').at(-1)).toMatchObject({ reconnected: true, rotated: false });
  });

  it.each([401, 403])('never retries a $connect rejected with %i', async (status) => {
    const { app, connects } = fixtureApp();
    const server = await start(app);
    const { client, of } = recordedClient<Api>(server.url, {
      query: { deny: String(status) },
      backoff: { baseMs: 10 },
    });
    await expect(client.ready()).rejects.toMatchObject({ code: 'Closed' });
    await sleep(500);
    expect(connects).toHaveBeenCalledTimes(1);
    expect(of('reconnecting')).toEqual([]);
    expect(of('close')).toEqual([expect.objectContaining({ status, opened: false, willReconnect: false })]);
    expect(client.state).toBe('closed');
    expect(() => client.send('record', { n: 1 })).toThrow(ClientError);
  });

  it('does not come back after the backend deletes the connection (1000)', async () => {
    const { app, connects } = fixtureApp();
    const server = await start(app);
    const { client, of } = recordedClient<Api>(server.url, { backoff: { baseMs: 10 } });
    await client.ready();
    const [id] = server.connections.ids();
    await fetch(`${server.endpoint}/@connections/${encodeURIComponent(id as string)}`, { method: 'DELETE' });
    await expect.poll(() => client.state).toBe('closed');
    await sleep(300);
    expect(of('close')).toEqual([expect.objectContaining({ code: 1000, willReconnect: false })]);
    expect(connects).toHaveBeenCalledTimes(1);
  });

  it('queues messages while reconnecting and flushes them in order, bounded', async () => {
    const { app, recorded } = fixtureApp();
    const first = await start(app);
    const port = first.port;
    const { client } = recordedClient<Api>(first.url, {
      backoff: { baseMs: 50, maxMs: 200 },
      queueLimit: 30,
    });
    await client.ready();
    client.send('record', { n: -1 });
    await expect.poll(() => recorded.length).toBe(1);
    await stop(first);
    await expect.poll(() => client.state).toBe('reconnecting');
    const reply = client.request('echo', { text: 'queued request' });
    for (let n = 0; n < 29; n++) client.send('record', { n });
    expect(() => client.send('record', { n: 99 })).toThrow(expect.objectContaining({ code: 'QueueFull' }));
    await start(app, { port });
    await expect(reply).resolves.toEqual({ text: 'queued request' });
    await expect.poll(() => recorded.length).toBe(30);
    expect(recorded).toEqual([-1, ...Array.from({ length: 29 }, (_, n) => n)]);
  });
});
