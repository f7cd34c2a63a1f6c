import { HISTORY_HEAD_GRACE_SECONDS, InvalidCursorError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { TestClock } from '@wsapp/testing';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import { describe, expect, it } from 'vitest';

connectionStoreSuite('memory', {
  create: ({ clock, ...limits }) => new MemoryConnectionStore({ ...limits, clock: () => clock.now() }),
  inspect: (store) => ({
    async connectionItems(connectionId) {
      return store
        .inspect()
        .connections.filter((c) => c.connectionId === connectionId)
        .map((c) => ({ key: `connection:${c.connectionId}`, expiresAt: c.expiresAt }));
    },
    async channelMembers(channel) {
      const { connections, memberships } = store.inspect();
      const expiry = new Map(connections.map((c) => [c.connectionId, c.expiresAt]));
      // A membership's expiry is its connection's: one without a connection is an orphan (undefined).
      return memberships
        .filter((m) => m.channel === channel)
        .map((m) => ({ connectionId: m.connectionId, expiresAt: expiry.get(m.connectionId) }));
    },
    async historyEntries(channel) {
      return store
        .inspectHistory(channel)
        .map((e) => ({ seq: e.seq, expiresAt: Math.ceil(e.expiresAt / 1000) }));
    },
    async sessionItems(sessionId) {
      const session = store.inspectSession(sessionId);
      return session === undefined ? [] : [{ key: `session:${sessionId}`, expiresAt: session.expiresAt }];
    },
  }),
});

describe('MemoryConnectionStore specifics', () => {
  it('sweep() drops expired history entries and the logs of idle channels', async () => {
    const clock = new TestClock();
    const store = new MemoryConnectionStore({ clock: () => clock.now() });
    await store.appendHistory('a', { messageId: 'm1', payload: '1' }, { maxLength: 10, ttlSeconds: 10 });
    await store.appendHistory('a', { messageId: 'm2', payload: '2' }, { maxLength: 10, ttlSeconds: 100 });
    await store.appendHistory('b', { messageId: 'm3', payload: '3' }, { maxLength: 10, ttlSeconds: 10 });
    clock.advance(11_000);
    store.sweep();
    expect(store.inspectHistory('a').map((e) => e.seq)).toEqual([2]);
    expect(store.inspectHistory('b')).toEqual([]);
    clock.advance((100 + HISTORY_HEAD_GRACE_SECONDS) * 1000);
    store.sweep();
    expect(store.inspectHistory('a')).toEqual([]);
    expect(await store.readHistory('a')).toEqual({ entries: [], headSeq: 0 });
  });

  it('sweep() drops expired connections and their memberships from memory', async () => {
    const clock = new TestClock();
    const store = new MemoryConnectionStore({ clock: () => clock.now() });
    await store.register('a=', { channels: ['x', 'y'], ttlSeconds: 10 });
    await store.register('b=', { channels: ['x'], ttlSeconds: 100 });
    clock.advance(11_000);
    expect(store.sweep()).toBe(1);
    expect(store.inspect().memberships).toEqual([{ channel: 'x', connectionId: 'b=' }]);
    expect(store.size).toBe(1);
  });

  it('returns copies: mutating a returned record changes nothing stored', async () => {
    const store = new MemoryConnectionStore();
    const record = await store.register('a=', { channels: ['x'], data: { n: 1 } });
    record.channels.push('y');
    record.data.n = 2;
    const read = await store.get('a=');
    expect(read?.channels).toEqual(['x']);
    expect(read?.data).toEqual({ n: 1 });
  });

  it('a cursor survives members leaving and joining during paging', async () => {
    const store = new MemoryConnectionStore();
    for (let n = 0; n < 30; n++) await store.register(`c${n}=`, { channels: ['ch'] });
    const first = await store.members('ch', { limit: 10 });
    const listed = first.connectionIds[2]!; // already returned
    const pending = Array.from({ length: 30 }, (_, n) => `c${n}=`).find(
      (c) => !first.connectionIds.includes(c),
    )!;
    await store.leave(listed, ['ch']);
    await store.leave(pending, ['ch']); // not yet returned: skipped
    await store.register('late=', { channels: ['ch'] }); // joins after the listing started
    const rest: string[] = [];
    let cursor = first.cursor;
    while (cursor) {
      const page = await store.members('ch', { limit: 10, cursor });
      rest.push(...page.connectionIds);
      cursor = page.cursor;
    }
    const all = [...first.connectionIds, ...rest];
    expect(new Set(all).size).toBe(all.length);
    const stayed = Array.from({ length: 30 }, (_, n) => `c${n}=`).filter(
      (c) => c !== listed && c !== pending,
    );
    for (const c of stayed) expect(all).toContain(c);
    expect(all).not.toContain(pending);
  });

  it('rejects a cursor it did not produce', async () => {
    const store = new MemoryConnectionStore();
    await expect(store.members('ch', { cursor: 'garbage' })).rejects.toThrow(/Invalid members cursor/);
  });

  it('refuses a cursor whose position was edited (HMAC), on any memory store of the process', async () => {
    const a = new MemoryConnectionStore();
    const b = new MemoryConnectionStore();
    for (const store of [a, b])
      for (let n = 0; n < 6; n++) await store.register(`c${n}=`, { channels: ['ch'] });
    const { cursor } = await a.members('ch', { limit: 2 });
    const [prefix, , mac] = cursor!.split('.');
    const edited = `${prefix}.${Buffer.from('c4=').toString('base64url')}.${mac}`;
    await expect(a.members('ch', { cursor: edited })).rejects.toBeInstanceOf(InvalidCursorError);
    // Another memory store of the same process resumes the listing (a split broadcast).
    expect((await b.members('ch', { cursor: cursor! })).connectionIds).toEqual(['c2=', 'c3=', 'c4=', 'c5=']);
  });

  it('pages 20,000 members of one channel in id order, each once, while half of them re-register', async () => {
    const store = new MemoryConnectionStore();
    const ids = Array.from({ length: 20_000 }, (_, n) => `m${n}=`);
    for (const cid of ids) await store.register(cid, { channels: ['big'] });
    const seen: string[] = [];
    let cursor: string | undefined;
    let turn = 0;
    do {
      const page = await store.members('big', { limit: 1000, ...(cursor ? { cursor } : {}) });
      seen.push(...page.connectionIds);
      cursor = page.cursor;
      for (let n = turn; n < ids.length; n += 20) await store.register(ids[n]!, { channels: ['big'] });
      turn++;
    } while (cursor !== undefined);
    expect(seen.length).toBe(ids.length);
    expect(seen).toEqual([...ids].sort());
  });
});
