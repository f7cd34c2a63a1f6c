import type { Logger } from '../logging/logger.js';
import { encodePayload, type MessageData } from '../messaging/payload.js';
import { HistoryNotSupportedError } from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { assertFrameable, type ChannelSeqs, historyFrame } from './history-frame.js';
import type { HistoryPolicy } from './history-options.js';
import { type LandedAppend, retractAppends } from './retract-appends.js';

/** A broadcast's frame: the data to send and, for history channels, the sequence numbers it got. */
export interface HistoryFramed {
  /** What to send (the data itself when no target channel has history). */
  data: MessageData;
  /** Sequence numbers per history channel; absent when no target channel has history. */
  seqs?: ChannelSeqs;
}

/**
 * Appends the message once to each history channel among `channels` (before anything is sent) and
 * answers the frame every recipient gets. Everything that can refuse the message (not a JSON
 * object, over 128 KB once framed, a store without history) throws before the first append.
 * All or nothing: when one channel's append fails, the appends that landed are taken back
 * ({@link retractAppends}, after every append settled) and the first failure is thrown.
 */
export async function appendToHistory(
  store: ConnectionStore | undefined,
  policy: HistoryPolicy | undefined,
  channels: readonly string[],
  messageId: string,
  data: MessageData,
  logger?: Pick<Logger, 'error'>,
): Promise<HistoryFramed> {
  const logged = policy === undefined ? [] : [...new Set(channels)].filter((channel) => policy.has(channel));
  if (logged.length === 0 || store === undefined || policy === undefined) return { data };
  assertFrameable(data);
  if (typeof store.appendHistory !== 'function') throw new HistoryNotSupportedError(store.constructor?.name);
  // The largest frame these channels can produce (a replayed one: `$replay` too): if it fits, the
  // real ones do, live and replayed.
  encodePayload(
    historyFrame(data, messageId, Object.fromEntries(logged.map((c) => [c, Number.MAX_SAFE_INTEGER])), true),
  );
  const payload = JSON.stringify(data);
  const append = store.appendHistory.bind(store);
  const outcomes = await Promise.allSettled(
    logged.map((channel) => append(channel, { messageId, payload }, policy.retention)),
  );
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed !== undefined) {
    const landed: LandedAppend[] = outcomes.flatMap((o, i) =>
      o.status === 'fulfilled' ? [{ channel: logged[i] as string, seq: o.value }] : [],
    );
    await retractAppends(store, messageId, landed, logger);
    throw failed.reason;
  }
  const numbers = outcomes.map((o) => (o as PromiseFulfilledResult<number>).value);
  const seqs: ChannelSeqs = Object.fromEntries(logged.map((channel, i) => [channel, numbers[i] as number]));
  return { data: historyFrame(data, messageId, seqs), seqs };
}

/**
 * The frame of a later invocation of a split broadcast: the first one appended and put the
 * sequence numbers in the cursor; without them (no history channel) the data goes unchanged.
 */
export function resumedFrame(
  data: MessageData,
  messageId: string,
  seqs: ChannelSeqs | undefined,
): HistoryFramed {
  if (seqs === undefined) return { data };
  assertFrameable(data);
  return { data: historyFrame(data, messageId, seqs), seqs };
}
