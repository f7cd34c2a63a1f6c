import type { Logger, WebSocketEvent } from '@wsapp/core';

/** What a Lambda REQUEST authorizer receives: the `$connect` event plus `type` and `methodArn`. */
export interface AuthorizerRequest extends WebSocketEvent {
  /** Always `REQUEST`: the only authorizer type WebSocket APIs support. */
  type: 'REQUEST';
  /** `arn:aws:execute-api:us-east-1:000000000000:{apiId}/{stage}/$connect`. */
  methodArn: string;
}

/**
 * A value of an authorizer's context, as API Gateway accepts it: a string, a number or a boolean
 * (numbers and booleans reach the integration as strings: `1` → `"1"`, `true` → `"true"`).
 * An object or an array fails the connection with 500.
 */
export type AuthorizerContextValue = string | number | boolean;

/**
 * The context an authorizer allows a connection with. It appears as `requestContext.authorizer`
 * on `$connect` and every later event of the connection, every value a string.
 */
export interface AuthorizerContext {
  /** The authenticated identity; apps read it as `ctx.authorizer.principalId`. */
  principalId?: string;
  [key: string]: AuthorizerContextValue | null | undefined;
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
  /** Key/values merged into `requestContext.authorizer` (strings, numbers, booleans; stringified). */
  context?: Record<string, AuthorizerContextValue | null | undefined>;
}

/**
 * Emulates a Lambda REQUEST authorizer on `$connect`, as API Gateway answers it: return an IAM
 * policy response (`{ principalId, policyDocument, context }`, Deny → 403) or, for short, the
 * context to allow with (`undefined` → 403). Throw `new Error('Unauthorized')` to answer 401, as
 * Lambda authorizers do; any other error is an authorizer failure and answers 500 (an error
 * with a `statusCode` of 401, 403 or 500 answers that status). As on AWS, the result is taken as
 * the JSON Lambda serialises it to: over 8 KB, or with an object or array as a context value, it
 * answers 500; numbers and booleans in the context reach the integration as strings.
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

/**
 * API Gateway's quota on a WebSocket API's Lambda authorizer result: 8 KB, taken as 8,192 bytes
 * of the result's JSON (a bare context is measured as the policy response it stands for).
 */
export const MAX_AUTHORIZER_RESULT_BYTES = 8 * 1024;

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
  const result = asLambdaReturnsIt(answer, methodArn);
  if (typeof result === 'string') {
    logger.error(`wsapp-local: the authorizer's result is refused (${result}); API Gateway answers 500`);
    return denied(500);
  }
  const effects = result.policyDocument.Statement.map((s) => s.Effect);
  if (effects.includes('Deny') || !effects.includes('Allow')) return denied(403);
  return { allowed: true, context: result.context };
}

/**
 * The authorizer's answer as API Gateway gets it: serialised to JSON by Lambda (`undefined`
 * dropped, a `Date` as a string), at most {@link MAX_AUTHORIZER_RESULT_BYTES}, every context value
 * a string (numbers and booleans stringified; `null` kept). Answers why it is refused instead.
 */
function asLambdaReturnsIt(
  answer: AuthorizerContext | AuthorizerPolicyResponse,
  methodArn: string,
): { policyDocument: AuthorizerPolicyResponse['policyDocument']; context: AuthorizerContext } | string {
  let full: AuthorizerPolicyResponse;
  if (isPolicyResponse(answer)) full = answer;
  else {
    const { principalId, ...context } = answer;
    const allow = { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn };
    full = { principalId, policyDocument: { Version: '2012-10-17', Statement: [allow] }, context };
  }
  let json: string;
  try {
    json = JSON.stringify(full);
  } catch (error) {
    return `it cannot be serialised to JSON: ${String(error)}`;
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_AUTHORIZER_RESULT_BYTES) {
    return `${bytes} bytes, over API Gateway's ${MAX_AUTHORIZER_RESULT_BYTES}-byte limit on an authorizer result`;
  }
  const parsed = JSON.parse(json) as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
  if (!isPolicyResponse(parsed)) return 'no policyDocument with a Statement list';
  const context: AuthorizerContext = Object.create(null);
  const given = parsed.context ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return 'context is not an object';
  for (const [key, value] of Object.entries(given)) {
    const text = contextValue(value);
    if (text === undefined) {
      return `the context value of ${JSON.stringify(key)} is ${Array.isArray(value) ? 'an array' : 'an object'}: API Gateway accepts strings, numbers and booleans`;
    }
    context[key] = text;
  }
  if (parsed.principalId !== undefined && parsed.principalId !== null) {
    const principal = contextValue(parsed.principalId);
    if (principal === undefined || principal === null) return 'principalId is not a string';
    context.principalId = principal;
  }
  return { policyDocument: parsed.policyDocument, context: { ...context } };
}

/** A context value as the integration receives it: a string (or `null`); `undefined` when refused. */
function contextValue(value: unknown): string | null | undefined {
  if (typeof value === 'string' || value === null) return value;
  // API Gateway reads the value's JSON text as a string: 1 → "1", 2.5 → "2.5", true → "true".
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return undefined;
}

function isPolicyResponse(answer: object): answer is AuthorizerPolicyResponse {
  const doc = (answer as { policyDocument?: { Statement?: unknown } }).policyDocument;
  return typeof doc === 'object' && doc !== null && Array.isArray(doc.Statement);
}

function denied(statusCode: number): AuthorizerOutcome {
  return { allowed: false, statusCode, message: MESSAGES[statusCode]! };
}
