import { createHmac, randomBytes } from 'node:crypto';
import { InvalidCursorError } from '@wsapp/core';

const PREFIX = 'm3';
// One key per process: memory stores live in one process, and any of its stores may resume a
// listing (like a broadcast split across invocations of the emulator).
const KEY = randomBytes(32);

/** Slice `index` of `count` (see `slices.ts`): a listing restricted to the members it holds. */
export interface SliceOf {
  index: number;
  count: number;
}

/** Where a listing of a channel resumes: after member id `after` (from the start: `undefined`), within `slice`. */
export interface CursorPosition {
  after: string | undefined;
  slice: SliceOf | undefined;
}

function mac(channel: string, body: string): string {
  return createHmac('sha256', KEY)
    .update(channel)
    .update('\u0000')
    .update(body)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * Encodes where a listing of `channel` resumes, authenticated with an HMAC over the channel and
 * the position, so a cursor of another channel or an edited one is refused instead of silently
 * listing from the wrong place. Member cursors and slice cursors share the one format.
 */
export function encodeCursor(channel: string, position: CursorPosition): string {
  const fields = [position.after ?? null, position.slice?.index ?? null, position.slice?.count ?? null];
  const body = Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
  return `${PREFIX}.${body}.${mac(channel, body)}`;
}

/** The position of a cursor from {@link encodeCursor} for `channel`; `InvalidCursorError` otherwise. */
export function decodeCursor(channel: string, cursor: string): CursorPosition {
  const parts = cursor.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || mac(channel, parts[1]!) !== parts[2]) {
    throw new InvalidCursorError();
  }
  const [after, index, count] = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as [
    string | null,
    number | null,
    number | null,
  ];
  return {
    after: after ?? undefined,
    slice: index === null || count === null ? undefined : { index, count },
  };
}
