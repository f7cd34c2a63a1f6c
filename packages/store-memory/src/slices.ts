import { evenStarts, InvalidCursorError } from '@wsapp/core';

/**
 * Slices of a channel in memory: a member belongs to slice `hash(id) mod n`, so which slice holds
 * a connection never depends on who else joined or left (disjoint and complete under churn).
 * Within a slice, paging follows the channel's insertion sequence like `members()`.
 */
const PREFIX = 'ms1.';

/** Where a slice listing is: slice `index` of `count`, after sequence number `after` (-1: start). */
export interface SlicePosition {
  index: number;
  count: number;
  after: number;
}

/** 32-bit FNV-1a of the id's UTF-16 code units: stable for the process's life, which is enough in memory. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Whether `connectionId` falls in slice `index` of `count`. */
export function inSlice(connectionId: string, index: number, count: number): boolean {
  return hash(connectionId) % count === index;
}

/** The `count` slice cursors of a channel (the member count only caps how many are useful). */
export function planSlices(members: number, count: number): string[] {
  const n = Math.max(1, Math.min(count, members));
  return evenStarts(n, n).map((index) => encodeSlice({ index, count: n, after: -1 }));
}

/** Encodes a slice position as an opaque cursor. */
export function encodeSlice(position: SlicePosition): string {
  return `${PREFIX}${position.index}.${position.count}.${position.after}`;
}

/** Decodes a slice cursor; `undefined` when `cursor` is not one (a plain members cursor). */
export function decodeSlice(cursor: string | undefined): SlicePosition | undefined {
  if (cursor === undefined || !cursor.startsWith(PREFIX)) return undefined;
  const [index, count, after] = cursor.slice(PREFIX.length).split('.').map(Number);
  if (
    !Number.isSafeInteger(index) ||
    !Number.isSafeInteger(count) ||
    !Number.isSafeInteger(after) ||
    (count as number) < 1 ||
    (index as number) < 0 ||
    (index as number) >= (count as number) ||
    (after as number) < -1
  ) {
    throw new InvalidCursorError();
  }
  return { index: index as number, count: count as number, after: after as number };
}
