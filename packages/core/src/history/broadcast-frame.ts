import type { BroadcastPosition } from '../messaging/broadcast-cursor.js';
import { beforeDeadline, TIMED_OUT } from '../messaging/deadline.js';
import { withMessageId } from '../messaging/message-id.js';
import type { BroadcastOptions } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { StoreUnavailableError } from '../store/store-errors.js';
import { appendToHistory, resumedFrame } from './append-history.js';
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
 * cursor) reuses the sequence numbers its cursor carries and appends nothing. The append is cut
 * off at the broadcast's `deadline` like every other store call: a store that has not answered
 * by then (frozen, or slower than its own command timeout allows) fails the broadcast with
 * `StoreUnavailableError` before anything is sent (the append may still land: the message is
 * then in the log, replayed to sessions that resume, as after any send that failed).
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
): Promise<BroadcastFrame> {
  const field = options.messageIdField;
  const tagged = field === undefined ? data : withMessageId(data, field, messageId);
  const framed = resumed
    ? resumedFrame(tagged, messageId, resumed.seqs)
    : await beforeDeadline(appendToHistory(store, policy, channels, messageId, tagged), deadline);
  if (framed === TIMED_OUT) {
    throw new StoreUnavailableError(
      "The store did not answer the history append before the broadcast's deadline; nothing was sent",
    );
  }
  return { data: framed.data, cursor: framed.seqs === undefined ? {} : { seqs: framed.seqs } };
}
