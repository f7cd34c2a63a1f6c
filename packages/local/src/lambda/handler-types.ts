import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';

/** The Lambda-like context the emulator passes with every event. */
export interface LocalLambdaContext extends LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  /** Milliseconds left before the emulated integration timeout (`timeoutMs`). */
  getRemainingTimeInMillis(): number;
}

/** The callback of callback-style Lambda handlers: `callback(error, result)`. */
export type LambdaCallback = (error?: unknown, result?: unknown) => void;

/**
 * Any Lambda handler: `(event, context) => Promise<{ statusCode, body?, headers? }>`. Handlers typed
 * with `@types/aws-lambda` (e.g. `APIGatewayProxyWebsocketHandlerV2`) are accepted: the parameters
 * are checked bivariantly and the result is normalized at run time (see {@link serve}).
 */
export type LambdaHandlerLike = {
  bivarianceHack(event: WebSocketEvent, context: LocalLambdaContext, callback: LambdaCallback): unknown;
}['bivarianceHack'];

/** A `WebSocketApp` from `@wsapp/core`, or anything shaped like one. */
export interface WebSocketAppLike {
  /** Dispatches one event; used when present. */
  resolve?(event: WebSocketEvent, context?: LambdaContext): Promise<WebSocketResponse>;
  /** The Lambda handler; used when `resolve` is absent. */
  handler?(): LambdaHandlerLike;
  /** The declared route keys; the default for the `routes` option. */
  readonly routeKeys?: readonly string[];
}

/** What {@link serve} runs: a `WebSocketApp` or a plain Lambda handler function. */
export type AppOrHandler = WebSocketAppLike | LambdaHandlerLike;
