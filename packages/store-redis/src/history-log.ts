import {
  HISTORY_HEAD_GRACE_SECONDS,
  type HistoryAppend,
  type HistoryEntry,
  type HistoryPage,
  type HistoryRetention,
} from '@wsapp/core';
import type { Cluster, Redis } from 'ioredis';
import { HISTORY_SCRIPTS } from './history-scripts.js';
import { escapeName } from './key-layout.js';
import type { ScriptDialect } from './script-dialect.js';
import { ScriptRunner } from './script-runner.js';

/** The keys of one channel's history (one Cluster slot: they share the hash tag). */
export interface HistoryKeys {
  /** Stream of the entries, id `<seq>-0`, trimmed to `maxLength` on append. */
  stream: string;
  /** Hash with the head counter `n`, the latest entry expiry `x` and the counter's own lapse `u` (ms). */
  head: string;
  /** Sorted set of retraction markers (entries a failed broadcast took back), scored by seq; usually absent. */
  retracted: string;
}

/** The history key names of `channel` under `prefix` (`<prefix>{h:<escaped channel>}:s`, `:n` and `:r`). */
export function historyKeys(prefix: string, channel: string): HistoryKeys {
  const base = `${prefix}{h:${escapeName(channel)}}`;
  return { stream: `${base}:s`, head: `${base}:n`, retracted: `${base}:r` };
}

/**
 * Channel histories in Redis: per channel a stream, a head hash and (only once an entry was
 * retracted) a sorted set of retraction markers, changed together by one Lua script per call (atomic: the `HINCRBY` of the head and the `XADD … MAXLEN = n` of the entry
 * cannot interleave with another append, also on a Cluster, since both keys share a slot).
 */
export class RedisHistoryLog {
  readonly #scripts: ScriptRunner<keyof typeof HISTORY_SCRIPTS>;
  readonly #prefix: string;
  readonly #slackSeconds: number;

  /** `prefix` is the store's key prefix; `slackSeconds` is added to every `EXPIREAT`; `dialect` the store's. */
  constructor(client: Redis | Cluster, prefix: string, slackSeconds: number, dialect?: ScriptDialect) {
    this.#scripts = new ScriptRunner(client, HISTORY_SCRIPTS, dialect);
    this.#prefix = prefix;
    this.#slackSeconds = slackSeconds;
  }

  /** Loads the history scripts on every server. */
  loadScripts(): Promise<void> {
    return this.#scripts.loadAll();
  }

  /** The keys of `channel`'s history. */
  keys(channel: string): HistoryKeys {
    return historyKeys(this.#prefix, channel);
  }

  /** Appends `entry` at `now` (epoch ms) and answers its seq: one `EVALSHA`. */
  async append(
    channel: string,
    entry: HistoryAppend,
    retention: HistoryRetention,
    now: number,
  ): Promise<number> {
    const { stream, head, retracted } = this.keys(channel);
    const seq = await this.#scripts.run(
      'historyAppend',
      [stream, head, retracted],
      [
        now,
        retention.ttlSeconds * 1000,
        retention.maxLength,
        HISTORY_HEAD_GRACE_SECONDS * 1000,
        this.#slackSeconds,
        entry.messageId,
        entry.payload,
      ],
    );
    return Number(seq);
  }

  /**
   * Replaces entry `seq` by a retraction marker when it is live at `now` and holds `messageId`;
   * answers whether it did: one `EVALSHA`, run under OOM (see `script-memory.ts`).
   */
  async retract(channel: string, seq: number, messageId: string, now: number): Promise<boolean> {
    const { stream, head, retracted } = this.keys(channel);
    const done = await this.#scripts.run(
      'historyRetract',
      [stream, head, retracted],
      [now, seq, messageId, this.#slackSeconds],
    );
    return Number(done) === 1;
  }

  /** Entries after `since` live at `now`, at most `limit` (payloads as `''` unless `payloads`), with the log's bounds: one `EVALSHA`. */
  async read(
    channel: string,
    since: number,
    limit: number,
    now: number,
    payloads = true,
  ): Promise<HistoryPage> {
    const { stream, head, retracted } = this.keys(channel);
    const args = [now, since, limit, payloads ? 1 : 0];
    const reply = (await this.#scripts.run('historyRead', [stream, head, retracted], args)) as [
      number,
      number,
      Array<[number, string, string, string, number]>,
    ];
    const [headSeq, oldest, rows] = reply;
    const entries: HistoryEntry[] = rows.map(([seq, messageId, payload, at, marker]) => ({
      seq: Number(seq),
      messageId,
      payload,
      at: Number(at),
      ...(Number(marker) === 1 ? { retracted: true as const } : {}),
    }));
    return oldest > 0
      ? { entries, headSeq: Number(headSeq), oldestSeq: Number(oldest) }
      : { entries, headSeq: Number(headSeq) };
  }
}
