/** What to do about a failed management API call. */
export type Failure =
  | { kind: 'gone' }
  | { kind: 'forbidden'; status: 403 }
  | { kind: 'retry'; status: number | undefined }
  | { kind: 'fatal'; status: number | undefined };

const RETRYABLE_NAMES = new Set([
  'LimitExceededException',
  'TooManyRequestsException',
  'ThrottlingException',
  'InternalServerErrorException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** Sorts an AWS SDK error (or a network error) into gone / forbidden / retry / fatal. */
export function classifyError(error: unknown): Failure {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? '';
  if (status === 410 || name === 'GoneException') return { kind: 'gone' };
  if (status === 403 || name === 'ForbiddenException') return { kind: 'forbidden', status: 403 };
  if (status === 429 || (status !== undefined && status >= 500) || RETRYABLE_NAMES.has(name)) {
    return { kind: 'retry', status };
  }
  if (
    status === undefined &&
    (NETWORK_CODES.has(e?.code ?? '') || name === 'AbortError' || name === 'Error')
  ) {
    return { kind: 'retry', status };
  }
  return { kind: 'fatal', status };
}
