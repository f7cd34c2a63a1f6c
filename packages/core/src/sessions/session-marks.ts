import type { HistoryPolicy } from '../history/history-options.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** History reads in flight at once when a join reads its channels' heads. */
const HEAD_READS = 16;

/** `readHistory` arguments that read a log's head and no entry. */
const HEAD_ONLY = { since: Number.MAX_SAFE_INTEGER, limit: 1 } as const;

/** The history channels among `channels`, without duplicates. */
export function historyChannels(policy: HistoryPolicy | undefined, channels: Iterable<string>): string[] {
  return policy === undefined ? [] : [...new Set(channels)].filter((channel) => policy.has(channel));
}

/**
 * Each channel's history head now: the session's start in it, read **before** the membership
 * is written (a start read too early only replays a message the session may not have been a
 * member for; one read too late would lose messages).
 */
export async function readStarts(
  store: ConnectionStore,
  channels: readonly string[],
): Promise<Record<string, number>> {
  const read = store.readHistory?.bind(store);
  if (read === undefined || channels.length === 0) return {};
  const heads = new Array<number>(channels.length);
  let next = 0;
  const worker = async () => {
    while (next < channels.length) {
      const i = next++;
      heads[i] = (await read(channels[i] as string, HEAD_ONLY)).headSeq;
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEAD_READS, channels.length) }, worker));
  // fromEntries: channel names are data (`__proto__` included), never property paths.
  return Object.fromEntries(channels.map((channel, i) => [channel, heads[i] as number]));
}
