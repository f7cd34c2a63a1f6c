import { WsappError } from '../errors/wsapp-error.js';

/** The connection is not registered (or its record expired). */
export class ConnectionNotFoundError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'ConnectionNotFound';
  /** The unknown connection id. */
  readonly connectionId: string;
  constructor(connectionId: string) {
    super(ConnectionNotFoundError.code, `Connection ${JSON.stringify(connectionId)} is not registered`);
    this.connectionId = connectionId;
  }
}

/** A channel name the store refuses; `channel` holds the value and `reason` why. */
export class InvalidChannelError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'InvalidChannel';
  /** The refused value. */
  readonly channel: unknown;
  /** Why it was refused. */
  readonly reason: string;
  constructor(channel: unknown, reason: string) {
    super(InvalidChannelError.code, `Invalid channel ${preview(channel)}: ${reason}`);
    this.channel = channel;
    this.reason = reason;
  }
}

/** A connection id the store refuses. */
export class InvalidConnectionIdError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'InvalidConnectionId';
  /** The refused value. */
  readonly connectionId: unknown;
  /** Why it was refused. */
  readonly reason: string;
  constructor(connectionId: unknown, reason: string) {
    super(InvalidConnectionIdError.code, `Invalid connection id ${preview(connectionId)}: ${reason}`);
    this.connectionId = connectionId;
    this.reason = reason;
  }
}

/** Connection data that is not a JSON object or is too large. */
export class InvalidDataError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'InvalidData';
  constructor(reason: string) {
    super(InvalidDataError.code, `Invalid connection data: ${reason}`);
  }
}

/**
 * The connection would belong to more channels than the store allows (its documented
 * `maxChannelsPerConnection`); nothing was written. The app answers it 400.
 */
export class TooManyChannelsError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'TooManyChannels';
  /** The connection that would exceed the limit. */
  readonly connectionId: string;
  /** The store's maximum channels per connection. */
  readonly limit: number;
  constructor(connectionId: string, limit: number) {
    super(
      TooManyChannelsError.code,
      `Connection ${JSON.stringify(connectionId)} would exceed the store's limit of ${limit} channels per connection`,
    );
    this.connectionId = connectionId;
    this.limit = limit;
  }
}

/** A `members()` cursor this store did not produce (or for another channel). */
export class InvalidCursorError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'InvalidCursor';
  constructor(reason = 'not a cursor this store produced for this channel') {
    super(InvalidCursorError.code, `Invalid members cursor: ${reason}`);
  }
}

/** The backend failed or timed out; `cause` holds the backend's error. */
export class StoreUnavailableError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'StoreUnavailable';
  constructor(message: string, cause?: unknown) {
    super(StoreUnavailableError.code, message, { cause });
  }
}

function preview(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  const shown = value.length > 64 ? `${value.slice(0, 64)}…(${value.length} chars)` : value;
  return JSON.stringify(shown);
}
