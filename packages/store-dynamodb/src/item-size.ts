import { DEFAULT_LIMITS } from '@wsapp/core';

/** DynamoDB's maximum item size: 400 KB, attribute names and values included. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Bytes of a connection item reserved for everything but its channels and data: the key, TTL
 * and revision attributes with their names (custom attribute names up to 255 bytes each), the
 * 128-character connection id, and an `endpoint` up to 2 KB.
 */
export const RESERVED_ITEM_BYTES = 4096;

/** Sizes a connection item's channel count is derived from. */
export interface ItemSizeLimits {
  /** Longest channel name, UTF-8 bytes. */
  maxChannelBytes: number;
  /** Largest data object as JSON, UTF-8 bytes. */
  maxDataBytes: number;
}

/**
 * Most channels a connection item can list and stay within DynamoDB's 400 KB item limit:
 * `floor((409,600 - 4,096 reserved - (maxDataBytes + 16)) / (maxChannelBytes + 1))`. A channel
 * costs its UTF-8 bytes plus one byte of set overhead (DynamoDB documents one byte per List/Map
 * element; the same is budgeted for sets). The data map costs at most its JSON size + 16 (map
 * overhead; each `_<key>` → JSON-text entry is no longer than the key and value in the JSON).
 * With the default 512-byte names and 32 KB data: 726.
 */
export function maxChannelsForItem(limits: ItemSizeLimits): number {
  const room = MAX_ITEM_BYTES - RESERVED_ITEM_BYTES - (limits.maxDataBytes + 16);
  return Math.max(0, Math.floor(room / (limits.maxChannelBytes + 1)));
}

/** Options the store's channel limit is resolved from. */
export interface ChannelLimitOptions {
  maxChannelBytes?: number;
  maxDataBytes?: number;
  maxChannelsPerConnection?: number;
}

/**
 * The store's `maxChannelsPerConnection`: the one given, or the core default lowered to what an
 * item holds. A value above what an item holds is refused (RangeError), since DynamoDB would.
 */
export function resolveChannelLimit(options: ChannelLimitOptions): number {
  const fits = maxChannelsForItem({
    maxChannelBytes: options.maxChannelBytes ?? DEFAULT_LIMITS.maxChannelBytes,
    maxDataBytes: options.maxDataBytes ?? DEFAULT_LIMITS.maxDataBytes,
  });
  const wanted = options.maxChannelsPerConnection;
  if (wanted === undefined) return Math.min(DEFAULT_LIMITS.maxChannelsPerConnection, fits);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > fits) {
    throw new RangeError(
      `maxChannelsPerConnection must be an integer from 1 to ${fits} (what a 400 KB DynamoDB item holds ` +
        `with maxChannelBytes and maxDataBytes as configured), got ${String(wanted)}`,
    );
  }
  return wanted;
}
