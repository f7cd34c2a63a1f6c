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
 * How much of a schema's verdict a 400 answers. A 128 KB body can fail on every element (tens of
 * thousands of issues, megabytes of JSON: past Lambda's 6 MB response limit, far past API
 * Gateway's 128 KB message), and schema messages may quote the input. So at most
 * `issues` issues, each `message` cut to `message` characters, each path to `pathSegments`
 * segments of at most `segment` characters, and the whole `issues` list to `bytes` bytes of JSON;
 * what is left out is counted in `omittedIssues`.
 */
export const ANSWERED_ISSUES = Object.freeze({
  issues: 10,
  message: 200,
  pathSegments: 8,
  segment: 64,
  bytes: 8192,
});

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
    throw new WebSocketError(400, 'Invalid query string', { details: answeredIssues(result.issues) });
  };
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(refuse) : refuse(result);
}

function outcome<TSchema extends StandardSchemaV1>(
  result: StandardSchemaV1.Result<unknown>,
): Output<TSchema> {
  if (result.issues === undefined) return result.value as Output<TSchema>;
  throw new WebSocketError(400, 'Invalid message body', { details: answeredIssues(result.issues) });
}

/** The bounded part of a schema's issues a 400 carries (see {@link ANSWERED_ISSUES}). */
function answeredIssues(all: readonly StandardSchemaV1.Issue[]): {
  issues: ValidationIssue[];
  omittedIssues?: number;
} {
  const issues: ValidationIssue[] = [];
  let bytes = 2; // []
  for (const issue of all) {
    if (issues.length === ANSWERED_ISSUES.issues) break;
    const answered = toIssue(issue);
    const size = Buffer.byteLength(JSON.stringify(answered)) + 1;
    if (bytes + size > ANSWERED_ISSUES.bytes) break;
    bytes += size;
    issues.push(answered);
  }
  const omitted = all.length - issues.length;
  return omitted > 0 ? { issues, omittedIssues: omitted } : { issues };
}

function toIssue(issue: StandardSchemaV1.Issue): ValidationIssue {
  const message = cut(String(issue.message), ANSWERED_ISSUES.message);
  if (issue.path === undefined || issue.path.length === 0) return { message };
  const path = issue.path.slice(0, ANSWERED_ISSUES.pathSegments).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : cut(String(key), ANSWERED_ISSUES.segment);
  });
  if (issue.path.length > ANSWERED_ISSUES.pathSegments) path.push('…');
  return { message, path };
}

/** `text` cut to `max` characters, the last one `…`, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
