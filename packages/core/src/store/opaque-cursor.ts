import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './store-errors.js';

/** A value a cursor may carry: cursors are positional JSON arrays of these. */
export type CursorField = string | number | null;

/**
 * The tag key when a store passes none. It is public, so the tag is a checksum, not a secret: it
 * catches edited, truncated and foreign cursors (the failure that matters: listing from the wrong
 * place), not a forger who reads this file. Stores that can keep a secret pass their own key.
 */
const PUBLIC_KEY = Buffer.from('wsapp opaque cursor v1', 'utf8');

/** Length of a cursor's tag: 16 bytes of HMAC-SHA256 in base64url. */
const TAG_LENGTH = 22;

/** How one kind of cursor is written: its prefix and, optionally, a secret tag key. */
export interface OpaqueCursorOptions {
  /**
   * Names the kind of cursor (`m4`, `r2`, …): lowercase letters and digits, and no prefix of
   * another kind the same store reads.
   */
  prefix: string;
  /** HMAC key for the tag; the default is public (see the module notes). */
  key?: Uint8Array;
}

/**
 * The one way stores write cursors: `prefix + body + tag`, all base64url characters (safe in a
 * URL or a JSON string, nothing to escape), where `body` is base64url JSON of the fields and `tag`
 * an HMAC-SHA256 (16 bytes, base64url) over the prefix, the scope (the channel listed) and the
 * body. A cursor of another store, kind or channel, or an edited one, is refused by
 * {@link openCursor} with `InvalidCursorError`, the same way in every store.
 */
export function sealCursor(
  options: OpaqueCursorOptions,
  scope: string,
  fields: readonly CursorField[],
): string {
  const body = encodeCursorBody(fields);
  return options.prefix + body + tag(options, scope, body);
}

/**
 * The fields of a cursor from {@link sealCursor} with the same options and scope; throws
 * `InvalidCursorError` for anything else. Checking what the fields mean is the caller's job
 * (see {@link cursorFields}).
 */
export function openCursor(options: OpaqueCursorOptions, scope: string, cursor: string): CursorField[] {
  if (!isCursorOf(options, cursor) || cursor.length <= options.prefix.length + TAG_LENGTH) {
    throw new InvalidCursorError();
  }
  const body = cursor.slice(options.prefix.length, -TAG_LENGTH);
  const expected = Buffer.from(tag(options, scope, body), 'utf8');
  const given = Buffer.from(cursor.slice(-TAG_LENGTH), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  return decodeCursorBody(body);
}

/** Whether `cursor` is of the kind `options` writes (its prefix only; {@link openCursor} checks the rest). */
export function isCursorOf(options: OpaqueCursorOptions, cursor: string | undefined): cursor is string {
  return cursor?.startsWith(options.prefix) === true;
}

/** base64url JSON of positional fields: the body of every wsapp cursor. */
export function encodeCursorBody(fields: readonly CursorField[]): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** The fields of a body from {@link encodeCursorBody}; `InvalidCursorError` unless a JSON array of fields. */
export function decodeCursorBody(body: string): CursorField[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || !decoded.every(isField)) throw new InvalidCursorError();
  return decoded;
}

/** What a field must be: a string, a non-empty string, a non-negative integer, or either of those or null. */
export type CursorFieldKind = 'string' | 'id' | 'index' | 'string?' | 'id?' | 'index?';

type FieldOf<K extends CursorFieldKind> = K extends 'string' | 'id'
  ? string
  : K extends 'index'
    ? number
    : K extends 'index?'
      ? number | null
      : string | null;

/** The typed fields of `kinds`. */
export type CursorFieldsOf<K extends readonly CursorFieldKind[]> = {
  -readonly [I in keyof K]: FieldOf<K[I]>;
};

/**
 * Checks that `fields` has exactly the shape `kinds` and answers it typed; `InvalidCursorError`
 * otherwise. A sealed cursor only fails this when its writer changed shape without a new prefix.
 */
export function cursorFields<const K extends readonly CursorFieldKind[]>(
  fields: readonly CursorField[],
  kinds: K,
): CursorFieldsOf<K> {
  if (fields.length !== kinds.length || !kinds.every((kind, i) => fieldIs(kind, fields[i] ?? null))) {
    throw new InvalidCursorError();
  }
  return [...fields] as CursorFieldsOf<K>;
}

function fieldIs(kind: CursorFieldKind, value: CursorField): boolean {
  const optional = kind.endsWith('?');
  if (value === null) return optional;
  switch (optional ? kind.slice(0, -1) : kind) {
    case 'string':
      return typeof value === 'string';
    case 'id':
      return typeof value === 'string' && value.length > 0;
    default:
      return typeof value === 'number' && Number.isInteger(value) && value >= 0;
  }
}

function isField(value: unknown): value is CursorField {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function tag(options: OpaqueCursorOptions, scope: string, body: string): string {
  return createHmac('sha256', options.key ?? PUBLIC_KEY)
    .update(options.prefix)
    .update('\u0000')
    .update(scope)
    .update('\u0000')
    .update(body)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
