import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';

/** The Lambda-like context the emulator passes with every event. */
export interface LocalLambdaContext extends LambdaContext {
  awsRequestId: string;
  functionName: string;
  /** Always `$LATEST`. */
  functionVersion: string;
  /** `arn:aws:lambda:us-east-1:000000000000:function:{functionName}`. */
  invokedFunctionArn: string;
  /** Always `128` (a string, as Lambda reports it). */
  memoryLimitInMB: string;
  /** `/aws/lambda/{functionName}`, like Lambda's. */
  logGroupName: string;
  /** Always `local`. */
  logStreamName: string;
  /** Kept for handlers that set it; the emulator does not act on it. */
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
  /** The handler: the event, a Lambda-like context and, for callback-style handlers, the callback. */
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
  /** The routes declared two-way; the default for the `twoWayRoutes` option. */
  readonly twoWayRouteKeys?: readonly string[];
}

/** What {@link serve} runs: a `WebSocketApp` or a plain Lambda handler function. */
export type AppOrHandler = WebSocketAppLike | LambdaHandlerLike;
