import type { HistoryEntry } from '../store/channel-history.js';
import { historyGap, MAX_HISTORY_READ } from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { ChannelSeqs } from './history-frame.js';

/** A channel whose missed messages are no longer all held: the client should reload its state. */
export interface HistoryGap {
  /** The channel. */
  channel: string;
  /** The last sequence number the client said it saw. */
  since: number;
  /** The oldest sequence number still held (`undefined`: none is). Messages before it are lost. */
  oldestSeq?: number;
}

/** One message to replay: its id, its data (JSON text) and its sequence number in each channel read. */
export interface ReplayMessage {
  /** The broadcast's message id. */
  messageId: string;
  /** The data as broadcast, a JSON text. */
  payload: string;
  /** Its sequence number per channel. */
  seqs: ChannelSeqs;
}

/** What a replay read: messages in order, each channel's head, and the gaps. */
export interface ReplayPlan {
  /** Missed messages, one per broadcast, in order. */
  messages: ReplayMessage[];
  /** Each channel's highest sequence number. */
  heads: ChannelSeqs;
  /** Channels where messages were lost. */
  gaps: HistoryGap[];
}

/** Marker of a channel whose head is read without entries. */
const HEAD_ONLY = Number.MAX_SAFE_INTEGER;

/**
 * Reads what a client missed on `channels`: for each one in `since`, every entry after it (page by
 * page); for the others only the head. A channel whose log no longer reaches back to `since`
 * (trimmed, expired, or restarted below it) is a gap; the entries still held are replayed.
 */
export async function planReplay(
  store: ConnectionStore,
  channels: readonly string[],
  since: Readonly<Record<string, number>>,
): Promise<ReplayPlan> {
  const read = (store.readHistory as NonNullable<ConnectionStore['readHistory']>).bind(store);
  const headList: number[] = [];
  const gaps: HistoryGap[] = [];
  const lists = await Promise.all(
    channels.map(async (channel, index) => {
      const seen = Object.hasOwn(since, channel) ? since[channel] : undefined;
      if (seen === undefined) {
        headList[index] = (await read(channel, { since: HEAD_ONLY, limit: 1 })).headSeq;
        return [];
      }
      let page = await read(channel, { since: seen });
      let from = seen;
      if (seen > page.headSeq) {
        // The log restarted (expired) below what the client saw: everything held is new to it.
        from = 0;
        page = await read(channel, { since: 0 });
      }
      headList[index] = page.headSeq;
      const lost = historyGap(page, seen);
      if (lost)
        gaps.push({
          channel,
          since: seen,
          ...(page.oldestSeq === undefined ? {} : { oldestSeq: page.oldestSeq }),
        });
      const entries = [...page.entries];
      while (page.entries.length === MAX_HISTORY_READ) {
        from = (page.entries.at(-1) as HistoryEntry).seq;
        page = await read(channel, { since: from });
        entries.push(...page.entries);
      }
      return entries;
    }),
  );
  // fromEntries: channel names are data (`__proto__` included), never property paths.
  const heads: ChannelSeqs = Object.fromEntries(channels.map((channel, i) => [channel, headList[i] ?? 0]));
  return { messages: mergeInOrder(channels, lists), heads, gaps };
}

/**
 * Merges channels' entries into one message per broadcast. Each channel's order is kept (a client
 * drops a frame whose every seq it has passed); among the channels' next entries the oldest goes
 * first, and a broadcast logged in several channels goes once it is next in all of them (when
 * concurrent broadcasts interleaved differently in two channels, the oldest goes anyway).
 */
function mergeInOrder(channels: readonly string[], lists: HistoryEntry[][]): ReplayMessage[] {
  // messageId → (channel index → its entry there)
  const where = new Map<string, Map<number, HistoryEntry>>();
  lists.forEach((list, i) => {
    for (const entry of list) {
      const byChannel = where.get(entry.messageId) ?? new Map<number, HistoryEntry>();
      byChannel.set(i, entry);
      where.set(entry.messageId, byChannel);
    }
  });
  const next: number[] = lists.map(() => 0);
  const done = new Set<string>();
  const out: ReplayMessage[] = [];
  const older = (a: HistoryEntry, b: HistoryEntry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const headOf = (i: number): HistoryEntry | undefined => {
    const list = lists[i] as HistoryEntry[];
    let n = next[i] as number;
    while (n < list.length && done.has((list[n] as HistoryEntry).messageId)) n++;
    next[i] = n;
    return list[n];
  };
  for (;;) {
    let best: HistoryEntry | undefined;
    let bestReady: HistoryEntry | undefined;
    for (let i = 0; i < lists.length; i++) {
      const head = headOf(i);
      if (head === undefined) continue;
      if (best === undefined || older(head, best)) best = head;
      const byChannel = where.get(head.messageId) as Map<number, HistoryEntry>;
      const ready = [...byChannel].every(([j, entry]) => headOf(j) === entry);
      if (ready && (bestReady === undefined || older(head, bestReady))) bestReady = head;
    }
    const chosen = bestReady ?? best;
    if (chosen === undefined) return out;
    done.add(chosen.messageId);
    const byChannel = where.get(chosen.messageId) as Map<number, HistoryEntry>;
    const seqs: ChannelSeqs = Object.fromEntries(
      [...byChannel].map(([j, entry]) => [channels[j], entry.seq]),
    );
    out.push({ messageId: chosen.messageId, payload: chosen.payload, seqs });
  }
}
