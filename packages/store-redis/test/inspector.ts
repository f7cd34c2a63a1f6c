import type { RedisConnectionStore } from '@wsapp/store-redis';
import type { RawHistoryItem, RawItem, RawMember, StoreInspector } from '@wsapp/testing/conformance';

/**
 * Backdoor reads straight from Redis. A key's `expiresAt` is its EXPIRETIME minus the store's
 * `expirySlackSeconds` (the slack is asserted separately), so it compares with the record's.
 */
export function redisInspector(store: RedisConnectionStore): StoreInspector {
  const { client, keys } = store;
  const expiry = async (key: string): Promise<number | undefined> => {
    const at = Number(await client.call('EXPIRETIME', key));
    return at > 0 ? at - store.expirySlackSeconds : undefined;
  };
  return {
    async connectionItems(connectionId): Promise<RawItem[]> {
      const conn = keys.connection(connectionId);
      const items: RawItem[] = [];
      for (const key of [conn.record, conn.channels]) {
        if ((await client.exists(key)) === 1) items.push({ key, expiresAt: await expiry(key) });
      }
      return items;
    },
    async channelMembers(channel): Promise<RawMember[]> {
      const ch = keys.channel(channel);
      const scored = await client.zrange(ch.expiry, 0, -1, 'WITHSCORES');
      const members = new Map<string, number | undefined>();
      for (const id of await client.zrange(ch.lex, 0, -1)) members.set(id, undefined);
      for (let i = 0; i + 1 < scored.length; i += 2) members.set(scored[i]!, Number(scored[i + 1]));
      return [...members].map(([connectionId, expiresAt]) => ({ connectionId, expiresAt }));
    },
    async historyEntries(channel): Promise<RawHistoryItem[]> {
      // Entries expire with their stream key (per-entry expiry is filtered on read).
      const { stream } = store.historyKeys(channel);
      const expiresAt = await expiry(stream);
      const ids = (await client.xrange(stream, '-', '+')).map(([id]) => id);
      return ids.map((id) => ({ seq: Number(id.split('-')[0]), expiresAt }));
    },
    async sessionItems(sessionId): Promise<RawItem[]> {
      const { head, channels } = store.sessionKeys(sessionId);
      const items: RawItem[] = [];
      for (const key of [head, channels]) {
        if ((await client.exists(key)) === 1) items.push({ key, expiresAt: await expiry(key) });
      }
      return items;
    },
  };
}
