import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wsapp/core';
import { backoff, type ResolvedRetry } from './backoff.js';
import { storeError } from './errors.js';

/** DynamoDB's limit of requests in one BatchWriteItem call. */
export const MAX_BATCH_WRITE = 25;

/**
 * Writes requests to one table in BatchWriteItem calls of at most 25, retrying `UnprocessedItems`
 * with exponential backoff and full jitter. Not atomic: callers order it so a crash midway leaves
 * nothing a reader would wrongly see.
 */
export async function batchWrite(
  client: DynamoDBClient,
  tableName: string,
  requests: readonly WriteRequest[],
  retry: ResolvedRetry,
): Promise<void> {
  for (let i = 0; i < requests.length; i += MAX_BATCH_WRITE) {
    let pending: WriteRequest[] = requests.slice(i, i + MAX_BATCH_WRITE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      let output: BatchWriteItemCommandOutput;
      try {
        output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      } catch (error) {
        throw storeError('BatchWriteItem', error);
      }
      pending = output.UnprocessedItems?.[tableName] ?? [];
      if (pending.length === 0) break;
      if (attempt >= retry.maxAttempts) {
        throw new StoreUnavailableError(
          `DynamoDB BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`,
        );
      }
      await backoff(retry, attempt);
    }
  }
}
