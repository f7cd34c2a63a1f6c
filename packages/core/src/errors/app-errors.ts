import { WsappError } from './wsapp-error.js';

/** An operation needs a connection store and none was configured (`ctx.join`, a channel broadcast, …). */
export class NoStoreError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'NoStore';
  /** What needed the store, e.g. `ctx.join()` or `broadcast to channels`. */
  readonly operation: string;
  constructor(operation: string, hint = 'new WebSocketApp({ store })') {
    super(NoStoreError.code, `${operation} needs a connection store: ${hint}`);
    this.operation = operation;
  }
}

/** `ctx.send()` during `$connect`: API Gateway answers 410 until the connection is accepted. */
export class SendDuringConnectError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'SendDuringConnect';
  constructor() {
    super(
      SendDuringConnectError.code,
      'ctx.send() is not possible during $connect: API Gateway answers 410 until the connection is accepted. ' +
        'Send from a route, or have the client send a first message.',
    );
  }
}

/** A middleware called `next()` more than once. */
export class NextCalledTwiceError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'NextCalledTwice';
  constructor() {
    super(NextCalledTwiceError.code, 'next() called more than once in a middleware');
  }
}

/** The `routeSelection` option is not an expression wsapp can evaluate. */
export class InvalidRouteSelectionError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'InvalidRouteSelection';
  constructor(message: string) {
    super(InvalidRouteSelectionError.code, message);
  }
}
