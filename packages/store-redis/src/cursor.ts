import { cursorFields, isCursorOf, type OpaqueCursorOptions, openCursor, sealCursor } from '@wsapp/core';

/**
 * Redis cursors, written with core's opaque-cursor helper (sealed to the channel, so a cursor of
 * another channel or store, or an edited one, is refused with `InvalidCursorError`).
 */
const MEMBERS: OpaqueCursorOptions = { prefix: 'r2' };
const SLICE: OpaqueCursorOptions = { prefix: 'rs2' };

/**
 * Encodes the resume point of a `members()` listing: the last member scanned (members are paged
 * in byte order of their id).
 */
export function encodeCursor(channel: string, after: string): string {
  return sealCursor(MEMBERS, channel, [after]);
}

/** Decodes a cursor from {@link encodeCursor}; throws `InvalidCursorError` for anything else. */
export function decodeCursor(channel: string, cursor: string): string {
  return cursorFields(openCursor(MEMBERS, channel, cursor), ['id'])[0];
}

/** A slice listing's position: the range `[lo, hi)` ('' = open end) and the last member scanned. */
export interface SlicePosition {
  lo: string;
  hi: string;
  after: string;
}

/** Whether a cursor is a slice cursor (by its prefix; decoding checks the rest). */
export function isSliceCursor(cursor: string | undefined): cursor is string {
  return isCursorOf(SLICE, cursor);
}

/** Encodes a slice position as an opaque cursor bound to the channel. */
export function encodeSlice(channel: string, position: SlicePosition): string {
  return sealCursor(SLICE, channel, [position.lo, position.hi, position.after]);
}

/** Decodes a slice cursor of this channel; `InvalidCursorError` otherwise. */
export function decodeSlice(channel: string, cursor: string): SlicePosition {
  const [lo, hi, after] = cursorFields(openCursor(SLICE, channel, cursor), ['string', 'string', 'string']);
  return { lo, hi, after };
}
