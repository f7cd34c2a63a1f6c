import { randomBytes } from 'node:crypto';
import { cursorFields, type OpaqueCursorOptions, openCursor, sealCursor } from '@wsapp/core';

// One secret key per process: memory stores live in one process, and any of its stores may resume
// a listing (like a broadcast split across invocations of the emulator).
const CURSOR: OpaqueCursorOptions = { prefix: 'm4', key: randomBytes(32) };

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

/**
 * Encodes where a listing of `channel` resumes, sealed to the channel (core's opaque-cursor
 * helper), so a cursor of another channel or an edited one is refused instead of silently
 * listing from the wrong place. Member cursors and slice cursors share the one format.
 */
export function encodeCursor(channel: string, position: CursorPosition): string {
  return sealCursor(CURSOR, channel, [
    position.after ?? null,
    position.slice?.index ?? null,
    position.slice?.count ?? null,
  ]);
}

/** The position of a cursor from {@link encodeCursor} for `channel`; `InvalidCursorError` otherwise. */
export function decodeCursor(channel: string, cursor: string): CursorPosition {
  const [after, index, count] = cursorFields(openCursor(CURSOR, channel, cursor), [
    'id?',
    'index?',
    'index?',
  ]);
  return {
    after: after ?? undefined,
    slice: index === null || count === null ? undefined : { index, count },
  };
}
