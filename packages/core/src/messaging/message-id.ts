import type { MessageData } from './payload.js';

/**
 * Adds the broadcast's message id to a JSON object message under `field` (opt-in through
 * `messageIdField`), so clients can drop a message they already got. Any other message shape, or
 * an object that already has the field, is refused rather than silently changed.
 */
export function withMessageId(data: MessageData, field: string, messageId: string): MessageData {
  if (!isObjectMessage(data)) throw new TypeError('messageIdField needs the message to be a JSON object');
  if (Object.hasOwn(data, field)) {
    throw new TypeError(`messageIdField: the message already has a "${field}" field`);
  }
  return { ...data, [field]: messageId };
}

/** Whether a message is a JSON object (not text, bytes or an array): the only shape fields can be added to. */
export function isObjectMessage(data: MessageData): data is Record<string, unknown> {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    !(data instanceof Uint8Array) &&
    !(data instanceof ArrayBuffer)
  );
}
