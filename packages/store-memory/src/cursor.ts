import { createHmac, randomBytes } from 'node:crypto';
import { InvalidCursorError } from '@wsapp/core';

const PREFIX = 'm2';
// One key per process: memory stores live in one process, and any of its stores may resume a
// listing (like a broadcast split across invocations of the emulator).
const KEY = randomBytes(32);

function mac(channel: string, after: string): Buffer {
  return createHmac('sha256', KEY).update(channel).update('\u0000').update(after).digest().subarray(0, 16);
}

/**
 * Encodes where a listing of `channel` resumes (after the member id `after`), authenticated with
 * an HMAC over the channel and the position, so a cursor of another channel or an edited one is
 * refused instead of silently listing from the wrong place.
 */
export function encodeCursor(channel: string, after: string): string {
  return `${PREFIX}.${Buffer.from(after, 'utf8').toString('base64url')}.${mac(channel, after).toString('base64url')}`;
}

/** The resume point of a cursor from {@link encodeCursor} for `channel`; `InvalidCursorError` otherwise. */
export function decodeCursor(channel: string, cursor: string): string {
  const parts = cursor.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) throw new InvalidCursorError();
  const after = Buffer.from(parts[1]!, 'base64url').toString('utf8');
  // Re-encoding checks the HMAC, and refuses alternative spellings of the same cursor.
  if (after.length === 0 || encodeCursor(channel, after) !== cursor) throw new InvalidCursorError();
  return after;
}
