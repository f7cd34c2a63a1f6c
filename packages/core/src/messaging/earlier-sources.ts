import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** Reads in flight at once when a store has no `getMany`. */
const FALLBACK_CONCURRENCY = 16;

/** Records of `ids`, in order: the store's batch read when it has one, else `get` a few at a time. */
export async function recordsOf(
  store: ConnectionStore,
  ids: readonly string[],
): Promise<Array<ConnectionRecord | undefined>> {
  if (store.getMany !== undefined) return store.getMany(ids);
  const records: Array<ConnectionRecord | undefined> = new Array(ids.length);
  for (let i = 0; i < ids.length; i += FALLBACK_CONCURRENCY) {
    const chunk = ids.slice(i, i + FALLBACK_CONCURRENCY);
    const read = await Promise.all(chunk.map((id) => store.get(id)));
    for (const [j, record] of read.entries()) records[i + j] = record;
  }
  return records;
}

/**
 * The ids among `ids` (members of target channel number `index`) whose records list one of the
 * target's earlier channels. A split broadcast attributes each connection to its first source, so
 * an earlier invocation reached these through that channel: skipping them here keeps "at most
 * once" across invocations without carrying a set of reached ids in the cursor.
 */
export async function inEarlierChannels(
  store: ConnectionStore,
  channels: readonly string[],
  index: number,
  ids: readonly string[],
): Promise<Set<string>> {
  const skip = new Set<string>();
  if (index === 0 || ids.length === 0) return skip;
  const earlier = new Set(channels.slice(0, index));
  const records = await recordsOf(store, ids);
  for (const [i, record] of records.entries()) {
    if (record?.channels.some((channel) => earlier.has(channel))) skip.add(ids[i] as string);
  }
  return skip;
}
