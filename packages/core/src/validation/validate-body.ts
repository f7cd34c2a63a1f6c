import type { StandardSchemaV1 } from '@standard-schema/spec';
import { WebSocketError } from '../errors/web-socket-error.js';
import { NOT_JSON } from '../events/read-body.js';

/** One problem found by a schema, as sent to the client in a 400 answer. */
export interface ValidationIssue {
  /** What is wrong, as the schema library says it. */
  message: string;
  /** Where in the body, e.g. `['symbols', 0]`; absent for the body itself. */
  path?: (string | number)[];
}

type Output<TSchema extends StandardSchemaV1> = StandardSchemaV1.InferOutput<TSchema>;

/**
 * Validates a parsed body with any Standard Schema (zod, valibot, arktype, …) and returns the
 * schema's output. Throws a 400 {@link WebSocketError} listing the issues when it does not match.
 * Synchronous schemas answer synchronously (no promise on the hot path); an async schema's
 * answer is a promise that rejects with the same error.
 */
export function validateBody<TSchema extends StandardSchemaV1>(
  schema: TSchema,
  body: unknown,
): Output<TSchema> | Promise<Output<TSchema>> {
  if (body === NOT_JSON) throw new WebSocketError(400, 'Message body must be JSON');
  const result = schema['~standard'].validate(body);
  if (result instanceof Promise) return result.then((settled) => outcome<TSchema>(settled));
  return outcome<TSchema>(result);
}

/**
 * Validates a `$connect` input (query string or headers) with a Standard Schema and returns its
 * output. Query failures answer 400 with the issues; header failures 401 without them (what an
 * authentication check looked for is not told to the client).
 */
export function validateConnectInput<TSchema extends StandardSchemaV1>(
  schema: TSchema,
  value: unknown,
  part: 'query' | 'headers',
): Output<TSchema> | Promise<Output<TSchema>> {
  const refuse = (result: StandardSchemaV1.Result<unknown>): Output<TSchema> => {
    if (result.issues === undefined) return result.value as Output<TSchema>;
    if (part === 'headers') throw new WebSocketError(401, 'Unauthorized');
    throw new WebSocketError(400, 'Invalid query string', {
      details: { issues: result.issues.map(toIssue) },
    });
  };
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(refuse) : refuse(result);
}

function outcome<TSchema extends StandardSchemaV1>(
  result: StandardSchemaV1.Result<unknown>,
): Output<TSchema> {
  if (result.issues === undefined) return result.value as Output<TSchema>;
  throw new WebSocketError(400, 'Invalid message body', {
    details: { issues: result.issues.map(toIssue) },
  });
}

function toIssue(issue: StandardSchemaV1.Issue): ValidationIssue {
  if (issue.path === undefined || issue.path.length === 0) return { message: issue.message };
  const path = issue.path.map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { message: issue.message, path };
}
