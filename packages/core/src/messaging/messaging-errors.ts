import { WsappError } from '../errors/wsapp-error.js';

/** A message over API Gateway's 128 KB limit; raised before any call is made. */
export class PayloadTooLargeError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'PayloadTooLarge';
  /** Size of the refused message, bytes. */
  readonly bytes: number;
  constructor(bytes: number, limit: number) {
    super(PayloadTooLargeError.code, `Message of ${bytes} bytes exceeds API Gateway's ${limit}-byte limit`);
    this.bytes = bytes;
  }
}

/**
 * The management API answered 403: the endpoint is wrong (e.g. a custom domain whose base path
 * differs from the stage) or the function lacks `execute-api:ManageConnections`.
 */
export class ManagementApiForbiddenError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'ManagementApiForbidden';
  /** The endpoint that answered 403. */
  readonly endpoint: string;
  constructor(endpoint: string, cause?: unknown) {
    super(
      ManagementApiForbiddenError.code,
      `The management API at ${endpoint} answered 403 Forbidden. Check the endpoint (with a custom ` +
        'domain, pass the API mapping: new WebSocketApp({ endpoint })) and that the function may ' +
        'call execute-api:ManageConnections on arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/POST/@connections/*.',
      { cause },
    );
    this.endpoint = endpoint;
  }
}

/** A call still failed after its retries (throttling, 5xx, network) or was refused (400, 413). */
export class SendFailedError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'SendFailed';
  /** The connection the call was for. */
  readonly connectionId: string;
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** HTTP status of the last answer, when there was one. */
  readonly statusCode: number | undefined;
  constructor(connectionId: string, attempts: number, statusCode: number | undefined, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      SendFailedError.code,
      `Management API call for ${connectionId} failed after ${attempts} attempt(s)` +
        (statusCode === undefined ? '' : ` (HTTP ${statusCode})`) +
        `: ${why}`,
      { cause },
    );
    this.connectionId = connectionId;
    this.attempts = attempts;
    this.statusCode = statusCode;
  }
}

/** No management endpoint is known for a connection. */
export class EndpointUnknownError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'EndpointUnknown';
  constructor(connectionId: string) {
    super(
      EndpointUnknownError.code,
      `No management endpoint is known for connection ${connectionId}: pass { endpoint } to the ` +
        'WebSocketApp or Messenger (https://{apiId}.execute-api.{region}.amazonaws.com/{stage}, another suffix in other partitions, or your custom domain mapping)',
    );
  }
}

/** The messaging deadline (derived from the Lambda's remaining time) passed before the call could complete. */
export class DeadlineExceededError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'DeadlineExceeded';
  /** `detail` says what was still awaited (e.g. a connection whose `$connect` was not accepted yet). */
  constructor(connectionId: string, detail?: string) {
    super(
      DeadlineExceededError.code,
      `Gave up on ${connectionId}: the invocation's deadline was reached${detail === undefined ? '' : ` (${detail})`}`,
    );
  }
}

/**
 * API Gateway answered 410 for a connection whose record is younger than the connect grace: its
 * `$connect` is not accepted yet — or it has just closed, and its `$disconnect` will remove it. Its
 * record is kept. Raised instead of calling again until it is accepted when the call asked not to
 * wait (`waitForConnecting: false`, as `ctx.broadcast` inside `$connect` and `$disconnect` does).
 */
export class ConnectionPendingError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'ConnectionPending';
  /** The connection that was not reached. */
  readonly connectionId: string;
  /** Its record's age by the store's clock when the 410 came, ms. */
  readonly ageMs: number;
  constructor(connectionId: string, ageMs: number) {
    super(
      ConnectionPendingError.code,
      `${connectionId} answered 410 while its record was ${ageMs} ms old: its $connect is not accepted yet (or it has just closed); its record is kept`,
    );
    this.connectionId = connectionId;
    this.ageMs = ageMs;
  }
}
