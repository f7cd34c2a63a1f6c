import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { backoff } from './backoff.js';
import { errorName, storeError } from './errors.js';
import type { Operation } from './operation.js';

/** DynamoDB's limit of items in one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Why one item of a cancelled write failed its condition; `item` is its old value (ALL_OLD). */
export interface ConditionFailure {
  index: number;
  item: Record<string, AttributeValue> | undefined;
}

const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * Writes `items` atomically: one TransactWriteItems call, or the plain Put/Update/DeleteItem when
 * there is a single item (half the write cost). Transaction conflicts and throttled items are
 * retried with backoff. Answers `undefined` on success, or the items whose condition failed.
 */
export async function writeAtomically(
  op: Operation,
  items: readonly TransactWriteItem[],
): Promise<ConditionFailure[] | undefined> {
  if (items.length === 0) return undefined;
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new RangeError(`a transaction holds at most ${MAX_TRANSACTION_ITEMS} items, got ${items.length}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await send(op, items);
      return undefined;
    } catch (error) {
      const name = errorName(error);
      if (name === 'ConditionalCheckFailedException') {
        return [{ index: 0, item: (error as { Item?: Record<string, AttributeValue> }).Item }];
      }
      const reasons =
        name === 'TransactionCanceledException'
          ? ((
              error as {
                CancellationReasons?: Array<{ Code?: string; Item?: Record<string, AttributeValue> }>;
              }
            ).CancellationReasons ?? [])
          : [];
      const failed = reasons.flatMap((r, index) =>
        r.Code === 'ConditionalCheckFailed' ? [{ index, item: r.Item }] : [],
      );
      if (failed.length > 0) return failed;
      const retryable =
        name === 'TransactionConflictException' || reasons.some((r) => RETRYABLE_REASONS.has(r.Code ?? ''));
      if (!retryable || attempt >= op.retry.maxAttempts) throw storeError(op.name, error);
      await backoff(op.retry, attempt);
    }
  }
}

function send({ client, signal }: Operation, items: readonly TransactWriteItem[]): Promise<unknown> {
  const options = { abortSignal: signal };
  const [only] = items;
  if (items.length === 1 && only !== undefined) {
    if (only.Put) return client.send(new PutItemCommand(only.Put), options);
    if (only.Update) return client.send(new UpdateItemCommand(only.Update), options);
    if (only.Delete) return client.send(new DeleteItemCommand(only.Delete), options);
  }
  // A fresh token per attempt: the SDK's own retries of this call (after a network error) reuse it,
  // so a transaction that committed but whose answer was lost is not applied twice.
  return client.send(
    new TransactWriteItemsCommand({ TransactItems: [...items], ClientRequestToken: randomUUID() }),
    options,
  );
}
