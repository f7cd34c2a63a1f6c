import { isObjectMessage } from '../messaging/message-id.js';
import type { MessageData } from '../messaging/payload.js';

/** Field of a history frame holding the broadcast's message id. */
export const MESSAGE_ID_FIELD = '$mid';
/** Field of a history frame holding each history channel's sequence number of the message. */
export const SEQ_FIELD = '$seq';
/** Field set to `true` on a frame the resume route replays. */
export const REPLAY_FIELD = '$replay';

/** Sequence numbers of one message, per history channel. */
export type ChannelSeqs = Record<string, number>;

/**
 * Throws a TypeError unless `data` can be sent to history channels: a JSON object (the frame adds
 * `$mid` and `$seq` to it) without those fields of its own.
 */
export function assertFrameable(data: MessageData): asserts data is Record<string, unknown> {
  if (!isObjectMessage(data)) {
    throw new TypeError('a broadcast to a channel with history needs the message to be a JSON object');
  }
  for (const field of [MESSAGE_ID_FIELD, SEQ_FIELD, REPLAY_FIELD]) {
    if (Object.hasOwn(data, field)) {
      throw new TypeError(
        `a broadcast to a channel with history: the message already has a "${field}" field`,
      );
    }
  }
}

/** The frame sent for a history message: the data plus `$mid` and `$seq` (and `$replay` when replayed). */
export function historyFrame(
  data: Record<string, unknown>,
  messageId: string,
  seqs: ChannelSeqs,
  replay = false,
): Record<string, unknown> {
  const frame: Record<string, unknown> = { ...data, [MESSAGE_ID_FIELD]: messageId, [SEQ_FIELD]: seqs };
  if (replay) frame[REPLAY_FIELD] = true;
  return frame;
}
