import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError, WsappError } from '@wsapp/core';
import type { ResolvedRetry } from './backoff.js';
import { decodeConnection, type StoredConnection } from './connection-item.js';
import { storeError } from './errors.js';
import type { TableLayout } from './table-layout.js';

/** Default of `operationTimeoutMs`: a few seconds, well inside a Lambda's usual timeout. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 5000;

/**
 * One store call in progress: every request it sends carries `signal`, which aborts when the
 * call's deadline passes, so nothing is sent (or retried by the SDK) after the call has failed.
 */
export interface Operation {
  /** Name used in error messages (`join`, `unregister`, …). */
  name: string;
  client: DynamoDBClient;
  layout: TableLayout;
  retry: ResolvedRetry;
  signal: AbortSignal;
}

/**
 * Runs `work` with a deadline of `timeoutMs` for everything it sends, SDK retries included:
 * answers its result, or rejects with `StoreUnavailableError` at the deadline (aborting the
 * requests in flight). Errors of wsapp itself pass through; any other becomes StoreUnavailableError.
 */
export async function withDeadline<T>(
  base: Omit<Operation, 'signal'>,
  timeoutMs: number,
  work: (op: Operation) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StoreUnavailableError(`DynamoDB ${base.name} did not complete within ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([work({ ...base, signal: controller.signal }), deadline]);
  } catch (error) {
    throw error instanceof WsappError ? error : storeError(base.name, error);
  } finally {
    clearTimeout(timer);
  }
}

/** Strongly consistent read of the connection item (expired or not); `undefined` when absent. */
export async function readConnection(
  op: Operation,
  connectionId: string,
): Promise<StoredConnection | undefined> {
  try {
    const output = await op.client.send(
      new GetItemCommand({
        TableName: op.layout.tableName,
        Key: op.layout.connectionKey(connectionId),
        ConsistentRead: true,
      }),
      { abortSignal: op.signal },
    );
    return decodeConnection(op.layout.keys, output.Item);
  } catch (error) {
    throw storeError(op.name, error);
  }
}
