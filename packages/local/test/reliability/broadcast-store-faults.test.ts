/**
 * Reliability: the store misbehaves during a broadcast (a real MemoryConnectionStore behind
 * fault injection: frozen or slow `unregister`, `members()` failing or freezing on page 2, a
 * frozen `get` for endpoint lookup). The deadline bounds the whole broadcast, the gone
 * connections found are removed or reported, and no management call reaches the (real HTTP)
 * endpoint after `broadcast()` settled.
 */
import { DeadlineExceededError, Messenger, StoreUnavailableError } from '@wsapp/core';
import { afterEach, describe, expect, it } from 'vitest';
import { settledStore, silentLogger } from '../helpers.js';
import { FaultyStore } from './faulty-store.js';
import { awsError, httpEndpoint, type TestEndpoint } from './management-servers.js';

const endpoints: TestEndpoint[] = [];
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

/** Ids `c0=`…: `gone` of them answer 410, `throttled` answer 429 forever, the rest 200. */
async function setup(n: number, gone: number, throttled = 0, delayMs = 0) {
  // Zero-padded: the store pages in id order, so page 1 is the first 10 of these.
  const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, '0')}=`);
  const goneIds = new Set(ids.slice(0, gone));
  const throttledIds = new Set(ids.slice(gone, gone + throttled));
  const server = await httpEndpoint((_req, res, id) => {
    setTimeout(() => {
      if (goneIds.has(id)) awsError(res, 410, 'GoneException');
      else if (throttledIds.has(id)) awsError(res, 429, 'LimitExceededException');
      else res.writeHead(200).end();
    }, delayMs);
  });
  endpoints.push(server);
  const store = new FaultyStore(settledStore());
  for (const id of ids) await store.register(id, { channels: ['room'], endpoint: server.endpoint });
  return { ids, goneIds: [...goneIds], store, server };
}

const TOLERANCE_MS = 1_000; // generous: the machine is shared; the measured overshoot is printed
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Settles with the broadcast or with 'hung' well past any deadline used here. */
const orHang = <T>(p: Promise<T>) => Promise.race([p, wait(8_000).then(() => 'hung' as const)]);

describe('broadcast against a misbehaving store', { timeout: 30_000 }, () => {
  it('frozen unregister: returns by the deadline and reports the gone connections not removed', async () => {
    const { ids, goneIds, store, server } = await setup(30, 10);
    store.freeze('unregister');
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });
    const started = Date.now();
    const deadline = started + 1_500;
    const report = await orHang(messenger.broadcast({ channels: ['room'] }, 'hi', { deadline }));
    const settledAt = Date.now();
    expect(report).not.toBe('hung');
    if (report === 'hung') return;
    console.log(`frozen unregister: settled ${settledAt - deadline} ms after the deadline`);
    expect(settledAt).toBeLessThan(deadline + TOLERANCE_MS);
    expect(report).toMatchObject({ attempted: 30, delivered: 20, gone: 10, failed: [] });
    expect([...report.notRemoved].sort()).toEqual([...goneIds].sort());
    for (const id of goneIds) expect(await store.inner.get(id)).toBeDefined(); // left to expire
    expect(ids).toHaveLength(30);
  });

  it('slow unregister (3 s each) against a 1 s deadline; a fast one removes everything', async () => {
    const { goneIds, store, server } = await setup(20, 5);
    store.delay('unregister', 3_000);
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });
    const deadline = Date.now() + 1_000;
    const report = await orHang(messenger.broadcast({ channels: ['room'] }, 'hi', { deadline }));
    const settledAt = Date.now();
    if (report === 'hung') throw new Error('hung');
    console.log(`slow unregister: settled ${settledAt - deadline} ms after the deadline`);
    expect(settledAt).toBeLessThan(deadline + TOLERANCE_MS);
    expect(report.gone).toBe(5);
    expect([...report.notRemoved].sort()).toEqual([...goneIds].sort());

    store.delay('unregister', 20);
    for (const id of goneIds) await store.register(id, { channels: ['room'], endpoint: server.endpoint });
    const fast = await messenger.broadcast({ channels: ['room'] }, 'hi', { deadline: Date.now() + 5_000 });
    expect(fast).toMatchObject({ gone: 5, notRemoved: [] });
    for (const id of goneIds) expect(await store.inner.get(id)).toBeUndefined();
  });

  it('members() fails on page 2: gone ones of page 1 are removed, and no call goes out after the rejection', async () => {
    // Page 1 (10 ids): 4 answer 410 and 3 answer 429 forever, all after 150 ms; the page-2 read fails meanwhile.
    const { ids, goneIds, store, server } = await setup(40, 4, 3, 150);
    store.failFrom('members', 2);
    const messenger = new Messenger({
      store,
      endpoint: server.endpoint,
      logger: silentLogger(),
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 400 },
    });
    const outcome = await orHang(
      messenger.broadcast({ channels: ['room'] }, 'hi', { pageSize: 10 }).then(
        (report) => ({ report, error: undefined }),
        (error: unknown) => ({ report: undefined, error }),
      ),
    );
    const settledAt = Date.now();
    if (outcome === 'hung') throw new Error('hung');
    expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
    await wait(1_500); // longer than any retry backoff used here
    const late = server.after(settledAt);
    console.log(`members() failed on page 2: ${server.arrivals.length} calls before settling, ${late} after`);
    expect(late).toBe(0);
    expect(server.arrivals.every((a) => ids.slice(0, 10).includes(a.connectionId))).toBe(true);
    for (const id of goneIds) expect(await store.inner.get(id), id).toBeUndefined();
  });

  it('members() freezes on page 2: the broadcast returns by the deadline with a cursor that resumes', async () => {
    const { ids, store, server } = await setup(30, 0);
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });
    // Freeze after the first page is read.
    const original = store.members.bind(store);
    let reads = 0;
    store.members = (channel, options) => {
      if (++reads === 2) store.freeze('members');
      return original(channel, options);
    };
    const deadline = Date.now() + 1_200;
    const first = await orHang(messenger.broadcast({ channels: ['room'] }, 'hi', { pageSize: 10, deadline }));
    const settledAt = Date.now();
    if (first === 'hung') throw new Error('hung');
    console.log(`members() frozen on page 2: settled ${settledAt - deadline} ms after the deadline`);
    expect(settledAt).toBeLessThan(deadline + TOLERANCE_MS);
    expect(first).toMatchObject({ attempted: 10, delivered: 10 });
    expect(first.cursor).toBeDefined();
    store.clear();
    const rest = await messenger.broadcast({ channels: ['room'] }, 'hi', {
      pageSize: 10,
      cursor: first.cursor as string,
    });
    expect(rest).toMatchObject({ attempted: 20, delivered: 20 });
    expect(new Set(server.arrivals.map((a) => a.connectionId)).size).toBe(ids.length);
    expect(server.arrivals).toHaveLength(ids.length);
  });

  it('frozen get() for endpoint lookup: every connection fails with DeadlineExceededError by the deadline', async () => {
    const { store } = await setup(8, 0);
    store.freeze('get');
    store.freeze('getMany');
    const messenger = new Messenger({ store, logger: silentLogger() }); // endpoints come from the records
    const deadline = Date.now() + 800;
    const report = await orHang(messenger.broadcast({ channels: ['room'] }, 'hi', { deadline }));
    const settledAt = Date.now();
    if (report === 'hung') throw new Error('hung');
    console.log(`frozen get: settled ${settledAt - deadline} ms after the deadline`);
    expect(settledAt).toBeLessThan(deadline + TOLERANCE_MS);
    expect(report.attempted).toBe(8);
    expect(report.failed).toHaveLength(8);
    for (const f of report.failed) expect(f.error).toBeInstanceOf(DeadlineExceededError);
  });

  it('send() to a gone connection with a frozen unregister answers by the deadline', async () => {
    const { goneIds, store, server } = await setup(2, 1);
    store.freeze('unregister');
    const logger = silentLogger();
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger });
    const deadline = Date.now() + 600;
    const outcome = await orHang(messenger.send(goneIds[0] as string, 'hi', { deadline }));
    expect(outcome).toBe('gone');
    expect(Date.now()).toBeLessThan(deadline + TOLERANCE_MS);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/not removed before the deadline/), {
      connectionId: goneIds[0],
    });
  });
});
