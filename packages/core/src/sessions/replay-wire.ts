import { createHash } from 'node:crypto';
import { WebSocketError } from '../errors/web-socket-error.js';

/**
 * The compact wire forms of a replay request (see the core README, "Sessions and history"): a
 * client names its channels by an 11-character id, not by name, so that a request stays far under
 * API Gateway's 32 KB frame whatever the number and length of channel names.
 *
 * - channel id: the first 11 characters of base64url(SHA-256(`<key>` + "\n" + channel name, UTF-8)),
 *   where `<key>` is the session's channel key from the resume reply (secret per session, so
 *   nobody else can choose two names with the same id for it);
 * - `have`: what the client holds, `;`-separated channels, each its id then `,`-separated ranges
 *   `<lo>.<hi>` of sequence numbers held (inclusive, base 36, ascending, disjoint), e.g.
 *   `AbCdEfGhIjK1.k,p.q;ZyXwVuTsRqP5.5`.
 */

/** Characters of a channel id. */
export const CHANNEL_ID_LENGTH = 11;
/** Longest `have` accepted, characters (a request frame must stay under 32 KB). */
export const MAX_HAVE_LENGTH = 30 * 1024;

const ID = /^[A-Za-z0-9_-]{11}$/;
const NUMBER = /^[0-9a-z]{1,11}$/;

/**
 * The session's channel key (22 base64url characters), derived from the session id alone (128
 * random bits only the session's client and the store see): every Lambda computes the same key
 * whatever secrets it has, so a secret rotation rolling out never changes a session's channel ids
 * between two replay pages (a page naming the client's ids unknown would make it forget them).
 */
export function channelKey(sessionId: string): string {
  return createHash('sha256')
    .update(`wsapp-channel-ids\0${sessionId}`, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** A channel's id under `key`. */
export function channelIdOf(key: string, channel: string): string {
  return createHash('sha256')
    .update(`${key}\n${channel}`, 'utf8')
    .digest('base64url')
    .slice(0, CHANNEL_ID_LENGTH);
}

/** Inclusive ranges `[lo, hi, lo, hi, …]`, ascending and disjoint. */
export type SeqRanges = number[];

function bad(why: string): WebSocketError {
  return new WebSocketError(400, `resume: replay.have ${why}`);
}

function seq(text: string): number {
  if (!NUMBER.test(text)) throw bad('holds a malformed number');
  const n = Number.parseInt(text, 36);
  if (!Number.isSafeInteger(n) || n < 1) throw bad('holds a number out of range');
  return n;
}

/** Parses `have` (see above); a malformed one is a 400. Answers channel id → ranges. */
export function parseHave(have: unknown): Map<string, SeqRanges> {
  const out = new Map<string, SeqRanges>();
  if (have === undefined || have === '') return out;
  if (typeof have !== 'string' || have.length > MAX_HAVE_LENGTH) {
    throw bad(`must be a string of at most ${MAX_HAVE_LENGTH} characters`);
  }
  for (const part of have.split(';')) {
    const id = part.slice(0, CHANNEL_ID_LENGTH);
    if (!ID.test(id) || out.has(id)) throw bad('holds a malformed or repeated channel id');
    const ranges: SeqRanges = [];
    const body = part.slice(CHANNEL_ID_LENGTH);
    for (const range of body === '' ? [] : body.split(',')) {
      const [lo, hi, extra] = range.split('.');
      if (lo === undefined || hi === undefined || extra !== undefined) throw bad('holds a malformed range');
      const a = seq(lo);
      const b = seq(hi);
      if (b < a || (ranges.length > 0 && a <= (ranges.at(-1) as number) + 1)) {
        throw bad('ranges must be ascending and disjoint');
      }
      ranges.push(a, b);
    }
    out.set(id, ranges);
  }
  return out;
}

/** Encodes `have` (the client's side, here for tests and other clients): channel id → ranges. */
export function encodeHave(held: ReadonlyMap<string, SeqRanges>): string {
  const parts: string[] = [];
  for (const [id, ranges] of held) {
    const pairs: string[] = [];
    for (let i = 0; i + 1 < ranges.length; i += 2) {
      pairs.push(`${(ranges[i] as number).toString(36)}.${(ranges[i + 1] as number).toString(36)}`);
    }
    parts.push(id + pairs.join(','));
  }
  return parts.join(';');
}

/** Whether `seq` is in `ranges`. */
export function holds(ranges: SeqRanges, n: number): boolean {
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    if (n < (ranges[i] as number)) return false;
    if (n <= (ranges[i + 1] as number)) return true;
  }
  return false;
}

/** The union of two range lists (merging touching ranges). */
export function unionRanges(a: SeqRanges, b: SeqRanges): SeqRanges {
  const all: Array<[number, number]> = [];
  for (const list of [a, b]) {
    for (let i = 0; i + 1 < list.length; i += 2) all.push([list[i] as number, list[i + 1] as number]);
  }
  all.sort((x, y) => x[0] - y[0]);
  const out: SeqRanges = [];
  for (const [lo, hi] of all) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Ranges of a sorted list of distinct numbers. */
export function rangesOf(sorted: readonly number[]): SeqRanges {
  const out: SeqRanges = [];
  for (const n of sorted) {
    const last = out.length - 1;
    if (last > 0 && n === (out[last] as number) + 1) out[last] = n;
    else out.push(n, n);
  }
  return out;
}
