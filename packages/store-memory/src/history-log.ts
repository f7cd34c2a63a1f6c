import {
  HISTORY_HEAD_GRACE_SECONDS,
  type HistoryAppend,
  type HistoryEntry,
  type HistoryPage,
  type HistoryRetention,
} from '@wsapp/core';

/** An entry as held, with the instant it stops being returned (epoch ms). */
interface HeldEntry extends HistoryEntry {
  expiresAt: number;
}

interface ChannelLog {
  /** Highest sequence number assigned. */
  head: number;
  /** When the counter goes (epoch ms): `ttlSeconds` + a day after the last append. */
  headExpiresAt: number;
  /** Ascending by `seq`. */
  entries: HeldEntry[];
}

/** An entry as the memory store holds it, expired ones included (for backdoor checks). */
export interface RawHistoryEntry extends HistoryEntry {
  /** When it stops being returned, epoch milliseconds. */
  expiresAt: number;
}

/**
 * Channel histories in process memory: per channel a counter and an array ascending by `seq`.
 * Every call is one synchronous step, so concurrent appends get distinct, increasing numbers.
 * Entries beyond `maxLength` are dropped on append, expired ones skipped on read and dropped on
 * append and {@link HistoryLogs.sweep}; an idle channel's log goes with its counter.
 */
export class HistoryLogs {
  readonly #logs = new Map<string, ChannelLog>();

  /** Appends `entry` stamped `now` and answers its sequence number. */
  append(channel: string, entry: HistoryAppend, retention: HistoryRetention, now: number): number {
    let log = this.#logs.get(channel);
    if (log === undefined || log.headExpiresAt <= now) {
      log = { head: 0, headExpiresAt: 0, entries: [] };
      this.#logs.set(channel, log);
    }
    const seq = ++log.head;
    const expiresAt = now + retention.ttlSeconds * 1000;
    log.entries.push({ seq, messageId: entry.messageId, payload: entry.payload, at: now, expiresAt });
    // Retention may differ between appends, so expiry is not monotonic in seq: filter, then trim.
    log.entries = log.entries.filter((e) => e.expiresAt > now);
    if (log.entries.length > retention.maxLength)
      log.entries.splice(0, log.entries.length - retention.maxLength);
    log.headExpiresAt = Math.max(log.headExpiresAt, expiresAt + HISTORY_HEAD_GRACE_SECONDS * 1000);
    return seq;
  }

  /**
   * Replaces entry `seq` by a retraction marker (payload dropped, `retracted: true`, same time and
   * expiry) when it is live at `now` and holds `messageId`; answers whether it did. One synchronous
   * step, like `append`: a concurrent append cannot slip in between the check and the change.
   */
  retract(channel: string, seq: number, messageId: string, now: number): boolean {
    const log = this.#logs.get(channel);
    if (log === undefined || log.headExpiresAt <= now) return false;
    const entry = log.entries.find((e) => e.seq === seq);
    if (entry === undefined || entry.expiresAt <= now || entry.retracted || entry.messageId !== messageId) {
      return false;
    }
    entry.payload = '';
    entry.retracted = true;
    return true;
  }

  /** Entries after `since` not expired at `now`, ascending, at most `limit`, with the log's bounds. */
  read(channel: string, since: number, limit: number, now: number, payloads = true): HistoryPage {
    const log = this.#logs.get(channel);
    if (log === undefined || log.headExpiresAt <= now) return { entries: [], headSeq: 0 };
    const live = log.entries.filter((e) => e.expiresAt > now);
    const entries = live
      .filter((e) => e.seq > since)
      .slice(0, limit)
      .map(({ seq, messageId, payload, at, retracted }) => ({
        seq,
        messageId,
        payload: payloads ? payload : '',
        at,
        ...(retracted ? { retracted } : {}),
      }));
    const oldest = live[0]?.seq;
    return oldest === undefined
      ? { entries, headSeq: log.head }
      : { entries, headSeq: log.head, oldestSeq: oldest };
  }

  /** Drops expired entries, and the logs whose counter expired; answers how many logs went. */
  sweep(now: number): number {
    let removed = 0;
    for (const [channel, log] of this.#logs) {
      if (log.headExpiresAt <= now) {
        this.#logs.delete(channel);
        removed++;
      } else {
        log.entries = log.entries.filter((e) => e.expiresAt > now);
      }
    }
    return removed;
  }

  /** Every entry held for `channel`, expired ones included, ascending. */
  raw(channel: string): RawHistoryEntry[] {
    return (this.#logs.get(channel)?.entries ?? []).map((e) => ({ ...e }));
  }
}
