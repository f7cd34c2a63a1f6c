import type { Logger, WebSocketEvent } from '@wsapp/core';

/** What a Lambda REQUEST authorizer receives: the `$connect` event plus `type` and `methodArn`. */
export interface AuthorizerRequest extends WebSocketEvent {
  /** Always `REQUEST`: the only authorizer type WebSocket APIs support. */
  type: 'REQUEST';
  /** `arn:aws:execute-api:us-east-1:000000000000:{apiId}/{stage}/$connect`. */
  methodArn: string;
}

/**
 * The context an authorizer allows a connection with. It appears as `requestContext.authorizer`
 * on `$connect` and every later event of the connection.
 */
export interface AuthorizerContext {
  /** The authenticated identity; apps read it as `ctx.authorizer.principalId`. */
  principalId?: string;
  [key: string]: unknown;
}

/** One statement of an IAM policy, as a Lambda authorizer returns it. */
export interface AuthorizerPolicyStatement {
  /** `Allow` or `Deny`; an explicit `Deny` wins. */
  Effect: 'Allow' | 'Deny' | (string & {});
  /** Usually `execute-api:Invoke`. */
  Action?: string | string[];
  /** Usually the request's `methodArn`. */
  Resource?: string | string[];
}

/** The response format of a Lambda authorizer: a principal, an IAM policy and a context. */
export interface AuthorizerPolicyResponse {
  /** The authenticated identity, reported as `requestContext.authorizer.principalId`. */
  principalId?: string;
  /** The IAM policy: the connection is allowed when a statement allows and none denies. */
  policyDocument: {
    /** Usually `2012-10-17`. */
    Version?: string;
    /** The statements. */
    Statement: AuthorizerPolicyStatement[];
  };
  /** Key/values merged into `requestContext.authorizer`. */
  context?: Record<string, unknown>;
}

/**
 * Emulates a Lambda REQUEST authorizer on `$connect`, as API Gateway answers it: return an IAM
 * policy response (`{ principalId, policyDocument, context }`, Deny → 403) or, for short, the
 * context to allow with (`undefined` → 403). Throw `new Error('Unauthorized')` to answer 401, as
 * Lambda authorizers do; any other error is an authorizer failure and answers 500 (an error
 * with a `statusCode` of 401, 403 or 500 answers that status).
 */
export type Authorizer = (
  request: AuthorizerRequest,
) =>
  | AuthorizerContext
  | AuthorizerPolicyResponse
  | undefined
  | Promise<AuthorizerContext | AuthorizerPolicyResponse | undefined>;

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
  logger: Logger,
): Promise<AuthorizerOutcome> {
  if (authorizer === undefined) return { allowed: true, context: undefined };
  let answer: AuthorizerContext | AuthorizerPolicyResponse | undefined;
  try {
    answer = await authorizer({ ...event, type: 'REQUEST', methodArn });
  } catch (error) {
    if (error === 'Unauthorized' || (error instanceof Error && error.message === 'Unauthorized')) {
      return denied(401);
    }
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status in MESSAGES) return denied(status);
    logger.error('wsapp-local: the authorizer failed; API Gateway answers 500', { error });
    return denied(500);
  }
  if (answer === undefined || answer === null) return denied(403);
  if (!isPolicyResponse(answer)) return { allowed: true, context: answer };
  const effects = answer.policyDocument.Statement.map((s) => s.Effect);
  if (effects.includes('Deny') || !effects.includes('Allow')) return denied(403);
  const context: AuthorizerContext = { ...answer.context };
  if (answer.principalId !== undefined) context.principalId = answer.principalId;
  return { allowed: true, context };
}

function isPolicyResponse(answer: object): answer is AuthorizerPolicyResponse {
  const doc = (answer as { policyDocument?: { Statement?: unknown } }).policyDocument;
  return typeof doc === 'object' && doc !== null && Array.isArray(doc.Statement);
}

function denied(statusCode: number): AuthorizerOutcome {
  return { allowed: false, statusCode, message: MESSAGES[statusCode]! };
}
