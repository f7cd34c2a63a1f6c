import type { Logger } from '../logging/logger.js';
import type { BroadcastPosition } from '../messaging/broadcast-cursor.js';
import { withMessageId } from '../messaging/message-id.js';
import { DeadlineExceededError } from '../messaging/messaging-errors.js';
import type { BroadcastOptions } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { appendToHistory, type HistoryFramed, resumedFrame } from './append-history.js';
import type { HistoryPolicy } from './history-options.js';

/** What one invocation of a broadcast sends, and what its cursor carries for the next ones. */
export interface BroadcastFrame {
  /** The data to send (framed for history channels). */
  data: MessageData;
  /** Cursor fields: the history sequence numbers, when the broadcast reached history channels. */
  cursor: Pick<BroadcastPosition, 'seqs'>;
}

/**
 * The data a broadcast sends: with `messageIdField` its id added, and for history channels the
 * `$mid`/`$seq` frame. The first invocation appends to history; a resumed one (`resumed` from its
 * cursor) reuses the sequence numbers its cursor carries and appends nothing. A deadline already
 * reached (the invocation's time left is within `deadlineMarginMs`) fails it with
 * `DeadlineExceededError` before any append. The append is cut off at the `deadline` like every
 * other store call: a store that has not answered by then (frozen, or slower than its own command
 * timeout allows) fails the broadcast with `StoreUnavailableError` before anything is sent, and
 * what had landed is taken back at once, the appends that land later as soon as they do (if the
 * process still runs: a Lambda frozen or ended first leaves them in the log, replayed to sessions
 * that resume). An append refused in one channel takes back those of the others at once
 * ({@link appendToHistory}).
 */
export async function frameFor(
  store: ConnectionStore | undefined,
  policy: HistoryPolicy | undefined,
  channels: readonly string[],
  messageId: string,
  data: MessageData,
  options: Pick<BroadcastOptions, 'messageIdField'>,
  resumed: BroadcastPosition | undefined,
  deadline: number,
  logger?: Pick<Logger, 'error'>,
): Promise<BroadcastFrame> {
  const field = options.messageIdField;
  const tagged = field === undefined ? data : withMessageId(data, field, messageId);
  let framed: HistoryFramed;
  const logged = store !== undefined && policy !== undefined && channels.some((c) => policy.has(c));
  if (resumed) framed = resumedFrame(tagged, messageId, resumed.seqs);
  else if (!logged) {
    // No history channel: no store call to bound (a deadline already past is the sends' business).
    framed = await appendToHistory(store, policy, channels, messageId, tagged, logger);
  } else {
    if (Date.now() >= deadline) {
      throw new DeadlineExceededError(
        `broadcast ${messageId}`,
        'before its history append: nothing was appended or sent; raise the time left or lower deadlineMarginMs',
      );
    }
    framed = await appendToHistory(store, policy, channels, messageId, tagged, logger, deadline);
  }
  return { data: framed.data, cursor: framed.seqs === undefined ? {} : { seqs: framed.seqs } };
}
