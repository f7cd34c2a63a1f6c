import type { BroadcastPosition } from '../messaging/broadcast-cursor.js';
import { withMessageId } from '../messaging/message-id.js';
import type { BroadcastOptions } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import type { ConnectionStore } from '../store/connection-store.js';
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
 * cursor) reuses the sequence numbers its cursor carries and appends nothing.
 */
export async function frameFor(
  store: ConnectionStore | undefined,
  policy: HistoryPolicy | undefined,
  channels: readonly string[],
  messageId: string,
  data: MessageData,
  options: Pick<BroadcastOptions, 'messageIdField'>,
  resumed: BroadcastPosition | undefined,
): Promise<BroadcastFrame> {
  const field = options.messageIdField;
  const tagged = field === undefined ? data : withMessageId(data, field, messageId);
  const framed = resumed
    ? resumedFrame(tagged, messageId, resumed.seqs)
    : await appendToHistory(store, policy, channels, messageId, tagged);
  return { data: framed.data, cursor: framed.seqs === undefined ? {} : { seqs: framed.seqs } };
}
