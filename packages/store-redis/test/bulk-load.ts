import type { RedisConnectionStore } from '@wsapp/store-redis';

/**
 * Writes `ids` as registered members of `channel` with plain commands (sent back to back, so
 * pipelined on the wire), the way `register()` lays them out: a record hash and a channel set per
 * connection, and the channel's two sorted sets filled 1,000 members per command. Test setup only:
 * large listings load in seconds instead of one Lua script per connection.
 */
export async function bulkRegister(
  store: RedisConnectionStore,
  ids: readonly string[],
  channel: string,
  ttlSeconds = 3600,
): Promise<{ expiresAt: number; connectedAt: number }> {
  const { client, keys } = store;
  const connectedAt = Date.now();
  const expiresAt = Math.floor(connectedAt / 1000) + ttlSeconds;
  const until = expiresAt + store.expirySlackSeconds;
  const ch = keys.channel(channel);
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    const writes: Array<Promise<unknown>> = [];
    for (const id of batch) {
      const conn = keys.connection(id);
      writes.push(
        client.hset(conn.record, 'id', id, 'at', String(connectedAt), 'exp', String(expiresAt)),
        client.sadd(conn.channels, channel),
        client.expireat(conn.record, until),
        client.expireat(conn.channels, until),
      );
    }
    writes.push(
      client.zadd(ch.lex, ...batch.flatMap((id) => [0, id])),
      client.zadd(ch.expiry, ...batch.flatMap((id) => [expiresAt, id])),
    );
    await Promise.all(writes);
  }
  await Promise.all([client.expireat(ch.lex, until), client.expireat(ch.expiry, until)]);
  return { expiresAt, connectedAt };
}
