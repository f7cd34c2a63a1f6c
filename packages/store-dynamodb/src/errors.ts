import { StoreUnavailableError, WsappError } from '@wsapp/core';

/** Rethrows wsapp's own errors; wraps anything else (network, throttling after retries) in StoreUnavailableError. */
export function storeError(operation: string, error: unknown): Error {
  if (error instanceof WsappError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StoreUnavailableError(`DynamoDB ${operation} failed (${message})`, error);
}

/** The error's `name`, the way the AWS SDK sets it (`ConditionalCheckFailedException`, …). */
export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}
