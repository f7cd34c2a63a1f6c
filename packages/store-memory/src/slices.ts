import { evenStarts } from '@wsapp/core';
import { encodeCursor } from './cursor.js';

/**
 * Slices of a channel in memory: a member belongs to slice `hash(id) mod n`, so which slice holds
 * a connection never depends on who else joined or left (disjoint and complete under churn).
 * Within a slice, paging follows the channel's id order like `members()`; a slice cursor is a
 * members cursor that carries its slice (see `cursor.ts`).
 */

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

/** The slice cursors of `channel` (its member count only caps how many are useful). */
export function planSlices(channel: string, members: number, count: number): string[] {
  const n = Math.max(1, Math.min(count, members));
  return evenStarts(n, n).map((index) =>
    encodeCursor(channel, { after: undefined, slice: { index, count: n } }),
  );
}
