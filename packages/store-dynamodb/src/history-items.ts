import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KeyAttributes } from './connection-item.js';
import { historyPartitionKey } from './key-layout.js';

/**
 * History items of a channel, all in partition `hs#<channel>` ({@link historyPartitionKey}: a
 * family of its own, see `key-layout.ts`):
 *
 * | item | sort key | attributes |
 * |---|---|---|
 * | head counter | `h` | `n` head seq, `ep` epoch, `x` latest entry expiry (ms), `u` counter lapse (ms), `ml` maxLength of the last append, TTL = `u` |
 * | entry | `e#<seq, 16 digits>` | `ep`, `m` messageId, `p` payload, `a` appended at (ms), `e` expires at (ms), TTL = `e` |
 * | tombstone of a trimmed entry | `e#<seq, 16 digits>` | `ep` only, TTL = the trimming entry's |
 * | retraction marker (an entry taken back by a failed broadcast) | `e#<seq, 16 digits>` | the entry's, `r` = 1 instead of `p` |
 *
 * Entry sort keys zero-pad the seq to 16 digits (every safe integer), so byte order is seq order.
 */
export const HISTORY_SORT_KEY = 'h';

/** Attribute names of the history items besides the keys and the TTL. */
export const HISTORY_ATTR = {
  head: 'n',
  epoch: 'ep',
  latest: 'x',
  lapse: 'u',
  maxLength: 'ml',
  messageId: 'm',
  payload: 'p',
  at: 'a',
  expires: 'e',
  retracted: 'r',
} as const;

/** Sort key of entry `seq`. */
export function entrySortKey(seq: number): string {
  return `e#${String(seq).padStart(16, '0')}`;
}

/** The seq of an entry sort key. */
export function seqOfSortKey(sk: string): number {
  return Number(sk.slice(2));
}

/** Key of the head counter item. */
export function headKey(keys: KeyAttributes, channel: string): Record<string, AttributeValue> {
  return { [keys.pk]: { S: historyPartitionKey(channel) }, [keys.sk]: { S: HISTORY_SORT_KEY } };
}

/** Key of entry `seq`. */
export function entryKey(keys: KeyAttributes, channel: string, seq: number): Record<string, AttributeValue> {
  return { [keys.pk]: { S: historyPartitionKey(channel) }, [keys.sk]: { S: entrySortKey(seq) } };
}

/** The head counter as stored. */
export interface StoredHead {
  head: number;
  epoch: string;
  latest: number;
  lapse: number;
  maxLength: number;
}

/** Decodes a head item; `undefined` when absent. */
export function decodeHead(item: Record<string, AttributeValue> | undefined): StoredHead | undefined {
  if (item === undefined) return undefined;
  const n = (name: string) => Number(item[name]?.N ?? 0);
  return {
    head: n(HISTORY_ATTR.head),
    epoch: item[HISTORY_ATTR.epoch]?.S ?? '',
    latest: n(HISTORY_ATTR.latest),
    lapse: n(HISTORY_ATTR.lapse),
    maxLength: n(HISTORY_ATTR.maxLength),
  };
}
