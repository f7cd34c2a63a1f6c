import { createHash } from 'node:crypto';
import { InvalidCursorError } from '@wsapp/core';

const VERSION = 1;

/** A short digest of the channel, so a cursor is refused on another channel. */
function channelTag(channel: string): string {
  return createHash('sha1').update(channel).digest('base64url').slice(0, 10);
}

/**
 * Encodes the resume point of a `members()` listing: the last member scanned (members are paged
 * in byte order of their id), as opaque base64url JSON `[version, channelTag, after]`.
 */
export function encodeCursor(channel: string, after: string): string {
  return Buffer.from(JSON.stringify([VERSION, channelTag(channel), after]), 'utf8').toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}; throws `InvalidCursorError` for anything else. */
export function decodeCursor(channel: string, cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== VERSION ||
    typeof parsed[2] !== 'string' ||
    parsed[2].length === 0
  ) {
    throw new InvalidCursorError();
  }
  if (parsed[1] !== channelTag(channel)) throw new InvalidCursorError();
  return parsed[2];
}
