/**
 * Single-table key layout. Four key families, told apart by a prefix no other family starts with:
 *
 * | item | partition key | sort key |
 * |---|---|---|
 * | connection | `c#<connectionId>` | `c` |
 * | membership, unsharded channel | `ch#<channel>` | `<connectionId>` |
 * | membership, shard `i` of a sharded channel | `sh#<i>#<channel>` | `<connectionId>` |
 * | channel history (head counter, entries) | `hs#<channel>` | `h`, `e#<seq>` (see `history-items.ts`) |
 * | session (sessions) | `ss#<sessionId>` | `s` (see `sessions.ts`) |
 *
 * `c#`, `ch#`, `sh#`, `hs#` and `ss#` differ within their first two characters, so no key of one family equals a
 * key of another. Within `sh#`, the shard index is decimal digits ending at the first `#`, so
 * `<i>` and `<channel>` are recovered unambiguously whatever the channel contains (`#`, digits,
 * `:`, `{`, `}`, `|`, unicode): the encoding is injective, which {@link decodePartitionKey} proves
 * by inverting it.
 */

/** Sort key of a connection item. */
export const CONNECTION_SORT_KEY = 'c';

/** Partition key of a connection item. */
export function connectionPartitionKey(connectionId: string): string {
  return `c#${connectionId}`;
}

/** Partition key of a channel's memberships in `shard` of `shards`. */
export function membershipPartitionKey(channel: string, shard: number, shards: number): string {
  return shards === 1 ? `ch#${channel}` : `sh#${shard}#${channel}`;
}

/** Partition key of a channel's history. */
export function historyPartitionKey(channel: string): string {
  return `hs#${channel}`;
}

/** Partition key of a session. */
export function sessionPartitionKey(sessionId: string): string {
  return `ss#${sessionId}`;
}

/** What a partition key names; the inverse of the encoders above. */
export type DecodedKey =
  | {
      /** A connection item. */
      kind: 'connection';
      /** Its connection id. */
      connectionId: string;
    }
  | {
      /** A membership item. */
      kind: 'membership';
      /** Its channel. */
      channel: string;
      /** Its shard, when the channel is sharded. */
      shard: number | undefined;
    }
  | {
      /** A channel's history item (head counter or entry). */
      kind: 'history';
      /** Its channel. */
      channel: string;
    }
  | {
      /** A session item. */
      kind: 'session';
      /** Its session id. */
      sessionId: string;
    };

/** Decodes a partition key written by this layout; `undefined` for anything else. */
export function decodePartitionKey(pk: string): DecodedKey | undefined {
  if (pk.startsWith('c#')) return { kind: 'connection', connectionId: pk.slice(2) };
  if (pk.startsWith('ch#')) return { kind: 'membership', channel: pk.slice(3), shard: undefined };
  if (pk.startsWith('hs#')) return { kind: 'history', channel: pk.slice(3) };
  if (pk.startsWith('ss#')) return { kind: 'session', sessionId: pk.slice(3) };
  const sharded = /^sh#(0|[1-9][0-9]*)#/.exec(pk);
  if (sharded?.[1] !== undefined) {
    return { kind: 'membership', channel: pk.slice(sharded[0].length), shard: Number(sharded[1]) };
  }
  return undefined;
}

/** 32-bit FNV-1a of a string's UTF-8 bytes: stable across processes and runtimes. */
export function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard holding a connection's membership in a channel spread over `shards` keys. */
export function shardOf(connectionId: string, shards: number): number {
  return shards === 1 ? 0 : fnv1a(connectionId) % shards;
}
