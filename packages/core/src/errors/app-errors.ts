import { WsappError } from './wsapp-error.js';

/** An operation needs a connection store and none was configured (`ctx.join`, a channel broadcast, …). */
export class NoStoreError extends WsappError {
  /** What needed the store, e.g. `ctx.join()` or `broadcast to channels`. */
  readonly operation: string;
  constructor(operation: string, hint = 'new WebSocketApp({ store })') {
    super('NoStore', `${operation} needs a connection store: ${hint}`);
    this.operation = operation;
  }
}

/** `ctx.send()` during `$connect`: API Gateway answers 410 until the connection is accepted. */
export class SendDuringConnectError extends WsappError {
  constructor() {
    super(
      'SendDuringConnect',
      'ctx.send() is not possible during $connect: API Gateway answers 410 until the connection is accepted. ' +
        'Send from a route, or have the client send a first message.',
    );
  }
}

/** A middleware called `next()` more than once. */
export class NextCalledTwiceError extends WsappError {
  constructor() {
    super('NextCalledTwice', 'next() called more than once in a middleware');
  }
}

/** The `routeSelection` option is not an expression wsapp can evaluate. */
export class InvalidRouteSelectionError extends WsappError {
  constructor(message: string) {
    super('InvalidRouteSelection', message);
  }
}
