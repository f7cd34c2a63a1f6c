import { RedisConnectionStore } from '@wsapp/store-redis';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkRegister } from './bulk-load.js';
import { clusterClient, standaloneClient, uniquePrefix } from './clients.js';

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

describe.each([
  ['standalone', standaloneClient, 100_000],
  ['cluster', clusterClient, 30_000],
] as const)('members() paging under churn (%s, %i members)', (_mode, connect, count) => {
  const clients: Array<Redis | Cluster> = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('returns every member present throughout exactly once, and nothing twice', {
    timeout: 240_000,
  }, async () => {
    const client = await connect();
    clients.push(client);
    const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), commandTimeoutMs: 30_000 });
    await store.loadScripts();
    const ch = 'big#room:{1}';
    const id = (n: number) => `m${n.toString(36).padStart(5, '0')}=`;
    const all = Array.from({ length: count }, (_, n) => id(n));
    // 10 % leave during the listing, 10 % are touched and re-join (their expiry score changes),
    // and as many new connections join; the rest stay untouched.
    const leavers = all.filter((_, n) => n % 10 === 3);
    const movers = all.filter((_, n) => n % 10 === 7);
    const joiners = Array.from({ length: leavers.length }, (_, n) => `new${n}=`);
    const t0 = Date.now();
    const { expiresAt, connectedAt } = await bulkRegister(store, all, ch);
    // The bulk-loaded layout is what register() writes: the store reads it back as such.
    expect(await store.get(all[5]!)).toEqual({
      connectionId: all[5],
      channels: [ch],
      data: {},
      connectedAt,
      expiresAt,
    });
    await inBatches(joiners, 2000, (cid) => store.register(cid));

    const t1 = Date.now();
    const pageSize = 1000;
    let churnDone = false;
    let churnSteps = 0;
    let totalSteps = 0;
    const churn = (async () => {
      const steps = Math.ceil(count / pageSize);
      const per = Math.ceil(leavers.length / steps);
      totalSteps = Math.ceil(leavers.length / per);
      for (let i = 0; i < leavers.length; i += per) {
        await Promise.all([
          ...leavers
            .slice(i, i + per)
            .map((cid, k) => (k % 2 ? store.leave(cid, [ch]) : store.unregister(cid))),
          ...movers.slice(i, i + per).flatMap((cid) => [store.touch(cid, 9000), store.join(cid, [ch])]),
          ...joiners.slice(i, i + per).map((cid) => store.join(cid, [ch])),
        ]);
        churnSteps++;
        await new Promise((r) => setImmediate(r));
      }
      churnDone = true;
    })();

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let stepsAtFirstPage = -1;
    do {
      const page = await store.members(ch, { limit: pageSize, ...(cursor ? { cursor } : {}) });
      seen.push(...page.connectionIds);
      cursor = page.cursor;
      pages++;
      if (pages === 1) stepsAtFirstPage = churnSteps;
      if (pages % 5 === 0) await new Promise((r) => setImmediate(r));
    } while (cursor !== undefined);
    const churnDoneWhenPagingEnded = churnDone;
    const stepsAtLastPage = churnSteps;
    await churn;
    expect(churnDone).toBe(true);
    // The churn really ran while pages were read.
    expect(stepsAtFirstPage).toBeLessThan(totalSteps);
    expect(stepsAtLastPage).toBeGreaterThan(0);
    console.log(
      `${_mode}: setup ${t1 - t0} ms, listing ${Date.now() - t1} ms, ${pages} pages, churn steps done at first page ${stepsAtFirstPage}, at last page ${stepsAtLastPage} of ${totalSteps}, still running: ${!churnDoneWhenPagingEnded}`,
    );

    const counts = new Map<string, number>();
    for (const cid of seen) counts.set(cid, (counts.get(cid) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1);
    expect(duplicated).toEqual([]);
    const leaving = new Set(leavers);
    const present = all.filter((cid) => !leaving.has(cid));
    const missing = present.filter((cid) => !counts.has(cid));
    expect(missing).toEqual([]);
    const known = new Set([...all, ...joiners]);
    expect(seen.filter((cid) => !known.has(cid))).toEqual([]);
    expect(pages).toBeGreaterThanOrEqual(Math.floor(present.length / pageSize));

    // After the churn, a fresh listing is exact.
    const after: string[] = [];
    for await (const cid of store.allMembers(ch)) after.push(cid);
    expect(after.length).toBe(present.length + joiners.length);
    expect(new Set(after)).toEqual(new Set([...present, ...joiners]));
  });
});
