import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const TYPES: Record<number, string> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
};

const MESSAGES: Record<number, string | null> = {
  403: 'Forbidden',
  // API Gateway answers Gone without a message (the AWS SDK reports "UnknownError").
  410: null,
  413: 'Request payload exceeds the 131072-byte limit',
  429: 'Rate exceeded',
};

/** The AWS error type for a status, as the `x-amzn-ErrorType` header carries it. */
export function errorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'InternalServerErrorException' : 'BadRequestException');
}

/**
 * Writes an AWS restJson1 error: the status, `x-amzn-ErrorType` (which the AWS SDK maps to its
 * exception classes, e.g. `GoneException`) and a JSON body with `message`.
 */
export function writeAwsError(res: ServerResponse, status: number, message?: string): void {
  const fallback = status >= 500 ? 'Internal server error' : 'Bad request';
  const text = message !== undefined ? message : status in MESSAGES ? MESSAGES[status] : fallback;
  const body = JSON.stringify({ message: text });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': errorType(status),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(body);
}
