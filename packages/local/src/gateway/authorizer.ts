import type { WebSocketEvent } from '@wsapp/core';

/** What a Lambda REQUEST authorizer receives: the `$connect` event plus `type` and `methodArn`. */
export interface AuthorizerRequest extends WebSocketEvent {
  type: 'REQUEST';
  /** `arn:aws:execute-api:us-east-1:000000000000:{apiId}/{stage}/$connect`. */
  methodArn: string;
}

/**
 * The context an authorizer allows a connection with. It appears as `requestContext.authorizer`
 * on `$connect` and every later event of the connection.
 */
export interface AuthorizerContext {
  principalId?: string;
  [key: string]: unknown;
}

/**
 * Emulates a Lambda authorizer on `$connect`: return a context to allow; return `undefined` to
 * deny (403 Forbidden); throw to answer 401 Unauthorized (or the error's `statusCode` when it is
 * 401, 403 or 500).
 */
export type Authorizer = (
  request: AuthorizerRequest,
) => AuthorizerContext | undefined | Promise<AuthorizerContext | undefined>;

/** The authorizer's verdict. */
export type AuthorizerOutcome =
  | { allowed: true; context: AuthorizerContext | undefined }
  | { allowed: false; statusCode: number; message: string };

const MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal server error',
};

/** Runs the configured authorizer, if any, on a `$connect` event. */
export async function authorize(
  authorizer: Authorizer | undefined,
  event: WebSocketEvent,
  methodArn: string,
): Promise<AuthorizerOutcome> {
  if (authorizer === undefined) return { allowed: true, context: undefined };
  try {
    const context = await authorizer({ ...event, type: 'REQUEST', methodArn });
    if (context === undefined || context === null) return denied(403);
    return { allowed: true, context };
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    return denied(typeof status === 'number' && status in MESSAGES ? status : 401);
  }
}

function denied(statusCode: number): AuthorizerOutcome {
  return { allowed: false, statusCode, message: MESSAGES[statusCode]! };
}
