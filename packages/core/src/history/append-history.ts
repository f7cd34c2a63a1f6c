import type { Logger } from '../logging/logger.js';
import { beforeDeadline, TIMED_OUT } from '../messaging/deadline.js';
import { encodePayload, type MessageData } from '../messaging/payload.js';
import { HistoryNotSupportedError } from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { StoreUnavailableError } from '../store/store-errors.js';
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

/** How long a broadcast past its deadline waits for the take-back of what landed before rejecting. */
const TAKE_BACK_WAIT_MS = 500;

/**
 * Appends the message once to each history channel among `channels` (before anything is sent) and
 * answers the frame every recipient gets. Everything that can refuse the message (not a JSON
 * object, over 128 KB once framed, a store without history) throws before the first append.
 * All or nothing: the broadcast gives up at the first refused append (thrown, once what had landed
 * is taken back) or at `deadline` (`StoreUnavailableError`, once what had landed is taken back or
 * {@link TAKE_BACK_WAIT_MS} passed). Either way what has landed is taken back at once, and an
 * append still running as soon as it lands ({@link retractAppends}): a resume is replayed it only
 * in the milliseconds a take-back takes.
 */
export async function appendToHistory(
  store: ConnectionStore | undefined,
  policy: HistoryPolicy | undefined,
  channels: readonly string[],
  messageId: string,
  data: MessageData,
  logger?: Pick<Logger, 'error'>,
  deadline = Number.POSITIVE_INFINITY,
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
  // Landed before the broadcast gave up: taken back together then; landed after: one by one.
  const landed: LandedAppend[] = [];
  let givenUp = false;
  const appends = logged.map((channel) =>
    append(channel, { messageId, payload }, policy.retention).then((seq) => {
      if (givenUp) void retractAppends(store, messageId, [{ channel, seq }], logger);
      else landed.push({ channel, seq });
      return seq;
    }),
  );
  const outcome = await beforeDeadline(Promise.all(appends), deadline).then(
    (numbers) => ({ numbers }),
    (error: unknown) => ({ error }),
  );
  const numbers = 'numbers' in outcome ? outcome.numbers : TIMED_OUT;
  if (Array.isArray(numbers)) {
    const seqs: ChannelSeqs = Object.fromEntries(logged.map((channel, i) => [channel, numbers[i] as number]));
    return { data: historyFrame(data, messageId, seqs), seqs };
  }
  givenUp = true;
  const retracting = retractAppends(store, messageId, landed.splice(0), logger);
  if ('error' in outcome) {
    await beforeDeadline(retracting, deadline);
    throw outcome.error;
  }
  // Past the deadline: the rejection follows the take-back on a working store, but a frozen one
  // holds the broadcast at most TAKE_BACK_WAIT_MS (within the default deadlineMarginMs).
  await beforeDeadline(retracting, Date.now() + TAKE_BACK_WAIT_MS);
  throw new StoreUnavailableError(
    "The store did not answer the history append before the broadcast's deadline; nothing was sent",
  );
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
