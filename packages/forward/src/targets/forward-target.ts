import type { ForwardedMessage } from '../envelope.js';

/**
 * Where a forwarding route puts its tasks. Built-in: `SqsTarget`, `SnsTarget`, `EventBridgeTarget`;
 * implement it to forward anywhere else. `put` rejects when the target refused the task.
 */
export interface ForwardTarget {
  /** A short name for logs, e.g. `sqs:orders.fifo`. */
  readonly name: string;
  /** Puts one task on the target. */
  put(message: ForwardedMessage): Promise<void>;
}
