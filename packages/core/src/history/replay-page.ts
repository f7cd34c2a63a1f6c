import { holds, rangesOf, type SeqRanges, unionRanges } from '../sessions/replay-wire.js';
import {
  type HistoryEntry,
  type HistoryPage,
  MAX_HISTORY_SCAN,
  type ReadHistoryOptions,
} from '../store/channel-history.js';
import type { ChannelSeqs } from './history-frame.js';

/** Why a channel has a gap: entries no longer held, a log that restarted, or an unknown start. */
export type GapReason = 'lost' | 'reset' | 'unknown-start';

/** A channel whose missed messages are no longer all held: the client should reload its state. */
export interface HistoryGap {
  /** The channel. */
  channel: string;
  /** Messages after this sequence number (and before `oldestSeq`, when given) may be lost. */
  since: number;
  /** The oldest sequence number still held (`undefined`: none is). */
  oldestSeq?: number;
  /** Why: `lost` (trimmed, expired), `reset` (the log restarted), `unknown-start` (see the README). */
  reason?: GapReason;
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

/** A history channel of the session, as a replay page sees it. */
export interface ReplayChannel {
  /** The channel. */
  channel: string;
  /** The head when the session joined it; `undefined` when not known. */
  start: number | undefined;
  /** What the client holds of it. */
  held: SeqRanges;
}

/** What a replay page reports per channel. */
export interface ReplayOutcome {
  /** The channel. */
  channel: string;
  /** Sequence numbers now accounted for: sent in this page, or lost (reported in `gap`). */
  covered: SeqRanges;
  /** Messages missed and no longer held. */
  gap?: HistoryGap;
  /** The client must forget what it holds of the channel first (its log restarted). */
  reset?: boolean;
  /** The session's start of the channel, corrected (unknown, or above a restarted log). */
  fix?: number;
}

/** What one replay page sends. */
export interface ReplayPagePlan {
  /** Messages for the reply body, in order. */
  messages: ReplayMessage[];
  /** A message too large for any reply body: sent on its own, before the reply. */
  oversized?: ReplayMessage;
  /** Per-channel reports (only channels with something to report), in channel order. */
  outcomes: ReplayOutcome[];
  /** Whether nothing replayable is left (the sequence numbers still missing are appends in flight). */
  done: boolean;
}

/** How a page is read and bounded. */
export interface ReplayPageOptions {
  /** `store.readHistory`. */
  read(channel: string, options: ReadHistoryOptions): Promise<HistoryPage>;
  /** The history's `maxLength`: sequence numbers `maxLength` below the head are trimmed. */
  maxLength: number;
  /**
   * How old a later entry must be before a missing sequence number below it is taken as lost
   * (a DynamoDB append reserves its number before writing its entry), ms.
   */
  settleMs: number;
  /** Now, epoch ms. */
  now: number;
  /** Entries listed per channel (without payloads) by a page's planning read (≤ 10,000). */
  window: number;
  /**
   * Whether one more message fits the page (`accepted` messages are in already): `alone` when it
   * would not fit even an empty page.
   */
  fits(message: ReplayMessage, accepted: number): 'yes' | 'no' | 'alone';
  /** Channels read at once. */
  concurrency: number;
}

interface ChannelRead {
  channel: string;
  start: number;
  held: SeqRanges;
  /** Entries the client misses, ascending, without payloads (the window's, then a scan's). */
  missing: HistoryEntry[];
  /** The window stopped before the head. */
  truncated: boolean;
  /** Accounted for without a message: lost, never written, or retracted (a failed broadcast's). */
  lost: SeqRanges;
  gap?: HistoryGap;
  reset: boolean;
  fix?: number;
}

/** The first sequence number above `start` not in `held`. */
function firstMissing(start: number, held: SeqRanges): number {
  let n = start + 1;
  for (let i = 0; i + 1 < held.length; i += 2) {
    if ((held[i] as number) > n) break;
    n = Math.max(n, (held[i + 1] as number) + 1);
  }
  return n;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** Reads one channel: what the client misses in its window, what is lost, and the corrections. */
async function readChannel(c: ReplayChannel, o: ReplayPageOptions): Promise<ChannelRead> {
  let held = c.held;
  let start = c.start ?? 0;
  let fix: number | undefined;
  let reset = false;
  let gap: HistoryGap | undefined;
  let from = firstMissing(start, held);
  // Planning reads carry no payload (a window of 128 KB messages would be 128 MB): payloads are
  // fetched for the messages a page sends, a few at a time (`payloadsOf`).
  let page = await o.read(c.channel, { since: from - 1, limit: o.window, payloads: false });
  const head = page.headSeq;
  if (c.start === undefined) {
    // Unknown start (joined outside ctx.join, or before this version): from what the client holds.
    const assumed = Math.min(held.length > 0 ? (held[0] as number) - 1 : head, head);
    fix = assumed;
    start = assumed;
    if (assumed > 0) gap = { channel: c.channel, since: 0, oldestSeq: assumed + 1, reason: 'unknown-start' };
  }
  if (start > head || (held.length > 0 && (held.at(-1) as number) > head)) {
    // The log restarted below what the session knew: its numbers mean other messages now.
    gap = { channel: c.channel, since: start, reason: 'reset' };
    reset = true;
    held = [];
    start = 0;
    fix = 0;
  }
  const wanted = firstMissing(start, held);
  if (wanted !== from) {
    from = wanted;
    page = await o.read(c.channel, { since: from - 1, limit: o.window, payloads: false });
  }
  const entries = page.entries;
  const last = entries.at(-1);
  const truncated = entries.length === o.window && last !== undefined && last.seq < page.headSeq;
  const lastRead = truncated ? (last as HistoryEntry).seq : page.headSeq;
  // A retracted entry (a broadcast that failed before sending) is "nothing here": accounted for
  // without a message and without a gap.
  const missing: HistoryEntry[] = entries.filter((e) => e.seq > start && !holds(held, e.seq) && !e.retracted);
  const retracted = rangesOf(entries.filter((e) => e.seq > start && e.retracted).map((e) => e.seq));
  const settled = o.now - o.settleMs;
  // Below the oldest entry nothing is held: lost once the number is trimmed for sure, or once the
  // oldest entry is old enough that no append below it can still be in flight.
  const oldest = page.oldestSeq;
  const oldestSettled =
    oldest === undefined ||
    (entries[0]?.seq === oldest && (entries[0] as HistoryEntry).at <= settled) ||
    oldest < from;
  const lostTop = Math.min(oldest === undefined ? page.headSeq : oldest - 1, lastRead);
  const lostTo = oldestSettled ? lostTop : Math.min(lostTop, page.headSeq - o.maxLength);
  let lost: SeqRanges = lostTo > start ? [start + 1, lostTo] : [];
  // Holes between entries (an append that crashed after taking its number, or an entry that
  // expired early): lost once a later entry is settled.
  let previous = Math.max(from - 1, lostTo);
  for (const entry of entries) {
    if (entry.seq - 1 > previous && entry.at <= settled)
      lost = unionRanges(lost, [previous + 1, entry.seq - 1]);
    previous = Math.max(previous, entry.seq);
  }
  const lostMissing = missingIn(lost, held);
  lost = unionRanges(lost, retracted);
  if (lostMissing !== undefined && gap === undefined) {
    gap = {
      channel: c.channel,
      since: lostMissing - 1,
      ...(oldest === undefined ? {} : { oldestSeq: oldest }),
      reason: 'lost',
    };
  }
  return {
    channel: c.channel,
    start,
    held,
    missing,
    truncated,
    lost,
    ...(gap === undefined ? {} : { gap }),
    reset,
    ...(fix === undefined ? {} : { fix }),
  };
}

/** The lowest number of `ranges` not in `held`, `undefined` when all are held. */
function missingIn(ranges: SeqRanges, held: SeqRanges): number | undefined {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const n = firstMissing((ranges[i] as number) - 1, held);
    if (n <= (ranges[i + 1] as number)) return n;
  }
  return undefined;
}

/**
 * Plans one page of a replay: for each history channel of the session, what the client misses in
 * (start, head] (less what it holds), merged across channels into one message per broadcast with
 * every channel's seq, oldest first, as many as `fits` allows; with what each channel now
 * accounts for. Stateless: the next page is planned from what the client holds then.
 */
export async function planReplayPage(
  channels: readonly ReplayChannel[],
  o: ReplayPageOptions,
): Promise<ReplayPagePlan> {
  const reads = await mapLimited(channels, o.concurrency, (c) => readChannel(c, o));
  const withMissing = reads.filter((r) => r.missing.length > 0);
  if (withMissing.length > 1 && withMissing.some((r) => r.truncated)) {
    // A broadcast to several of these channels must go once with all its seqs: list what lies
    // beyond each window too, so no copy is mistaken for a single-channel one.
    await mapLimited(
      withMissing.filter((r) => r.truncated),
      o.concurrency,
      async (r) => {
        const after = (r.missing.at(-1) as HistoryEntry).seq;
        const scan = await o.read(r.channel, { since: after, limit: MAX_HISTORY_SCAN, payloads: false });
        for (const e of scan.entries) if (!holds(r.held, e.seq) && !e.retracted) r.missing.push(e);
      },
    );
  }
  const payloads = new PayloadReader(o);
  const messages: ReplayMessage[] = [];
  const vanished: Array<{ channel: string; seq: number }> = [];
  let oversized: ReplayMessage | undefined;
  let stopped = false;
  for (const m of inOrder(
    reads.map((r) => r.channel),
    reads.map((r) => r.missing),
  )) {
    const payload = await payloads.of(m.seqs);
    if (payload === undefined) {
      // Trimmed or expired since it was listed: lost now, reported like any lost message.
      for (const [channel, seq] of Object.entries(m.seqs)) vanished.push({ channel, seq });
      continue;
    }
    const message = { ...m, payload };
    const verdict = o.fits(message, messages.length);
    if (verdict === 'yes') messages.push(message);
    else {
      if (verdict === 'alone') oversized = message;
      stopped = true;
      break;
    }
  }
  const sent = [...messages, ...(oversized ? [oversized] : [])];
  const outcomes: ReplayOutcome[] = [];
  let done = !stopped;
  for (const r of reads) {
    const seqs = sent.flatMap((m) => (Object.hasOwn(m.seqs, r.channel) ? [m.seqs[r.channel] as number] : []));
    const gone = vanished.filter((v) => v.channel === r.channel).map((v) => v.seq);
    const covered = unionRanges(r.lost, rangesOf([...seqs, ...gone].sort((a, b) => a - b)));
    if (r.truncated || seqs.length + gone.length < r.missing.length) done = false;
    const gap =
      r.gap ??
      (gone.length === 0
        ? undefined
        : { channel: r.channel, since: Math.min(...gone) - 1, reason: 'lost' as const });
    if (covered.length === 0 && gap === undefined && !r.reset && r.fix === undefined) continue;
    outcomes.push({
      channel: r.channel,
      covered,
      ...(gap === undefined ? {} : { gap }),
      ...(r.reset ? { reset: true } : {}),
      ...(r.fix === undefined ? {} : { fix: r.fix }),
    });
  }
  return { messages, ...(oversized === undefined ? {} : { oversized }), outcomes, done };
}

/** Payload reads per page: a few entries at a time per channel, doubling (16, 32, … 256). */
const FIRST_FETCH = 16;
const LARGEST_FETCH = 256;

/**
 * Fetches the payloads of the messages a page sends, lazily: the planning read listed them
 * without. Each read takes a run of entries from the seq asked for, so a page of N small messages
 * costs about log2(N / 16) reads per channel, and a page of 128 KB ones reads few of them.
 */
class PayloadReader {
  readonly #o: ReplayPageOptions;
  /** channel → seq → payload (as read). */
  readonly #cache = new Map<string, Map<number, string>>();
  readonly #size = new Map<string, number>();

  constructor(o: ReplayPageOptions) {
    this.#o = o;
  }

  /** The payload of a message (the same in each of its channels), `undefined` when it is gone. */
  async of(seqs: ChannelSeqs): Promise<string | undefined> {
    const entries = Object.entries(seqs);
    for (const [channel, seq] of entries) {
      const hit = this.#cache.get(channel)?.get(seq);
      if (hit !== undefined) return hit;
    }
    // Not read yet: from each of its channels in turn (one may have trimmed it, another not).
    for (const [channel, seq] of entries) {
      const size = this.#size.get(channel) ?? FIRST_FETCH;
      this.#size.set(channel, Math.min(LARGEST_FETCH, size * 2));
      const page = await this.#o.read(channel, { since: seq - 1, limit: size });
      const cache = new Map<number, string>();
      for (const entry of page.entries) cache.set(entry.seq, entry.payload);
      this.#cache.set(channel, cache);
      const payload = cache.get(seq);
      if (payload !== undefined) return payload;
    }
    return undefined;
  }
}

/**
 * Merges channels' entries into one message per broadcast. Each channel's order is kept (a client
 * drops a frame whose every seq it has passed); among the channels' next entries the oldest goes
 * first, and a broadcast logged in several channels goes once it is next in all of them (when
 * concurrent broadcasts interleaved differently in two channels, the oldest goes anyway).
 */
function* inOrder(
  channels: readonly string[],
  lists: readonly HistoryEntry[][],
): Generator<{ messageId: string; seqs: ChannelSeqs }> {
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
    if (chosen === undefined) return;
    done.add(chosen.messageId);
    const byChannel = [...(where.get(chosen.messageId) as Map<number, HistoryEntry>)];
    yield {
      messageId: chosen.messageId,
      seqs: Object.fromEntries(byChannel.map(([j, entry]) => [channels[j], entry.seq])),
    };
  }
}
