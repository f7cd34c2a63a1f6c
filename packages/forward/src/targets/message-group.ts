import type { ForwardedMessage } from '../envelope.js';

/** A FIFO message group id: fixed, or computed from the task (default: the connection id). */
export type MessageGroupId = string | ((message: ForwardedMessage) => string);

/** The group id for a FIFO queue or topic: keeps each connection's tasks in order by default. */
export function resolveGroupId(option: MessageGroupId | undefined, message: ForwardedMessage): string {
  if (option === undefined) return message.envelope.connectionId;
  return typeof option === 'function' ? option(message) : option;
}
