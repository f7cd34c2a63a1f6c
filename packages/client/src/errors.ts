/** Why a client call failed. */
export type ClientErrorCode =
  /** The server answered the request with a 4xx/5xx status (`status`, `body`). */
  | 'Rejected'
  /** No reply within `timeoutMs`. */
  | 'Timeout'
  /** The connection carrying the request closed before its reply arrived. */
  | 'ConnectionLost'
  /** The client is closed (by `close()` or a close it does not retry). */
  | 'Closed'
  /** The queue of messages waiting for a connection is full. */
  | 'QueueFull'
  /** The message exceeds API Gateway's 32 KB frame size (it would be closed with 1009). */
  | 'TooLarge';

/** An error of `@wsapp/client`: `code` says why, `status` and `body` come with `Rejected`. */
export class ClientError extends Error {
  /** Why the call failed. */
  readonly code: ClientErrorCode;
  /** The server's status for `Rejected`. */
  readonly status: number | undefined;
  /** The server's error body for `Rejected` (usually `{ message }`). */
  readonly body: unknown;

  constructor(code: ClientErrorCode, message: string, status?: number, body?: unknown) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    this.status = status;
    this.body = body;
  }
}
