import {
  assertRetention,
  DEFAULT_HISTORY_RETENTION,
  HistoryNotSupportedError,
  type HistoryRetention,
} from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';

/**
 * Which channels keep a history, and how much. History is opt-in: broadcasts to other channels
 * cost nothing extra.
 *
 * @example
 * ```ts
 * new WebSocketApp({ store, history: { channels: ['room:*', 'news'], maxLength: 100, ttlSeconds: 900 } });
 * ```
 */
export interface HistoryOptions {
  /**
   * Channel names, or prefixes ending in `*` (`'room:*'` matches `room:a`; `'*'` matches every
   * channel). Every broadcast to a matching channel is appended to its log once.
   */
  channels: readonly string[];
  /** Entries kept per channel (default 100, at most 10,000). */
  maxLength?: number;
  /** How long an entry is kept, seconds (default 900, at most 7 days). Keep it above the resume window. */
  ttlSeconds?: number;
}

/** Compiled {@link HistoryOptions}: the retention, and which channels have a history. */
export interface HistoryPolicy {
  /** What each history channel keeps. */
  readonly retention: HistoryRetention;
  /** Whether `channel` keeps a history. */
  has(channel: string): boolean;
}

/**
 * Validates and compiles {@link HistoryOptions}. Throws {@link HistoryNotSupportedError} when the
 * store given leaves out `appendHistory`/`readHistory` (a store that implements them but keeps no
 * history throws it on the first broadcast to a history channel instead).
 */
export function historyPolicy(options: HistoryOptions, store: ConnectionStore | undefined): HistoryPolicy {
  if (options === null || typeof options !== 'object' || !Array.isArray(options.channels)) {
    throw new TypeError('history.channels must be an array of channel names or prefixes ending in *');
  }
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of options.channels) {
    if (typeof pattern !== 'string' || pattern.length === 0 || !/^[^*]*\*?$/.test(pattern)) {
      throw new TypeError(
        `history.channels: ${JSON.stringify(pattern)} is not a channel name or a prefix ending in *`,
      );
    }
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  const retention: HistoryRetention = {
    maxLength: options.maxLength ?? DEFAULT_HISTORY_RETENTION.maxLength,
    ttlSeconds: options.ttlSeconds ?? DEFAULT_HISTORY_RETENTION.ttlSeconds,
  };
  assertRetention(retention);
  if (
    store !== undefined &&
    (typeof store.appendHistory !== 'function' || typeof store.readHistory !== 'function')
  ) {
    throw new HistoryNotSupportedError(store.constructor?.name ?? 'the store');
  }
  return Object.freeze({
    retention: Object.freeze(retention),
    has: (channel: string) => exact.has(channel) || prefixes.some((prefix) => channel.startsWith(prefix)),
  });
}
