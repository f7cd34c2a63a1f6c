/**
 * Redis key layout. Every key is `<prefix>{<kind>:<escaped name>}:<part>`:
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<prefix>{c:<id>}:r` | hash | the record: `id`, `at` (connectedAt ms), `exp` (expiresAt s), `ep`, `d:<key>` (JSON) |
 * | `<prefix>{c:<id>}:s` | set | the connection's channel names |
 * | `<prefix>{c:<id>}:k` | string | Cluster only, while a `join`, `leave` or `setChannels` runs: its lock (expires by itself) |
 * | `<prefix>{m:<channel>}:l` | sorted set, every score 0 | the channel's members in byte order (paging) |
 * | `<prefix>{m:<channel>}:x` | sorted set, score = expiresAt | the same members scored by expiry (filtering, purge) |
 *
 * The part inside `{…}` is the Cluster hash tag, so the two keys of a connection share one slot,
 * and so do the two keys of a channel. Names are escaped so that `%`, `{`, `}` and `:` never occur
 * raw in them: the hash tag always ends at the `}` this layout writes, and the escape is injective,
 * so two different names never map to the same key (see `escapeName`). The Lua twin of this file
 * lives in `scripts.ts` (`LUA_KEYS`) and must stay byte-for-byte compatible.
 */

/** Characters escaped in names: the escape character itself, the hash-tag braces and the separator. */
const ESCAPED = /[%{}:]/g;

/**
 * Percent-encodes `%`, `{`, `}` and `:` (as `%25`, `%7B`, `%7D`, `%3A`); every other character,
 * unicode included, is kept. Injective: decoding `%XX` gives the original back.
 */
export function escapeName(name: string): string {
  return name.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Keys of one connection (one Cluster slot). */
export interface ConnectionKeys {
  /** Hash with the record fields. */
  record: string;
  /** Set of the connection's channel names. */
  channels: string;
  /** Short-lived lock that serialises `join`, `leave` and `setChannels` of the connection on a Cluster. */
  lock: string;
}

/** Keys of one channel (one Cluster slot). */
export interface ChannelKeys {
  /** Sorted set of members, all scored 0, ordered by member bytes: the paging index. */
  lex: string;
  /** Sorted set of members scored by expiry (epoch seconds). */
  expiry: string;
}

/** Builds keys under one prefix. */
export class KeyLayout {
  /** The prefix of every key (default `wsapp:`). */
  readonly prefix: string;

  constructor(prefix: string) {
    if (/[{}]/.test(prefix)) throw new RangeError('keyPrefix must not contain "{" or "}" (hash tags)');
    this.prefix = prefix;
  }

  /** Keys of a connection. */
  connection(connectionId: string): ConnectionKeys {
    const base = `${this.prefix}{c:${escapeName(connectionId)}}`;
    return { record: `${base}:r`, channels: `${base}:s`, lock: `${base}:k` };
  }

  /** Keys of a channel. */
  channel(channel: string): ChannelKeys {
    const base = `${this.prefix}{m:${escapeName(channel)}}`;
    return { lex: `${base}:l`, expiry: `${base}:x` };
  }

  /** Both keys of every channel in `channels`, in order (the KEYS of a multi-channel script). */
  channelKeyList(channels: readonly string[]): string[] {
    return channels.flatMap((ch) => {
      const keys = this.channel(ch);
      return [keys.lex, keys.expiry];
    });
  }
}
