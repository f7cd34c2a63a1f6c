import { WsappError } from '../errors/wsapp-error.js';
import { assertChannel, assertConnectionId, assertTtl, type StoreLimits } from './store-validation.js';

/**
 * A session as a store keeps it, for `sessions` (see the core README, "Sessions and history"): who
 * holds it, and per channel the history sequence number at which the session joined it. Stores
 * keep it with their native structures (a map in memory, two hashes in one Cluster slot in Redis,
 * one item in DynamoDB), apart from connection records, so it eats nothing of a connection's data.
 *
 * Rules every implementation keeps (the `sessions` conformance group checks them, reading the
 * backend too):
 * - Every write is atomic and conditional on the holder: `claimSession` succeeds for exactly one of
 *   any number of concurrent claims naming the same `from`, and `markSession`/`closeSession` change
 *   nothing unless the caller is the holder. An absent (or expired) session is created by the
 *   first of them.
 * - A session is never returned after `expiresAt`, whatever the backend's TTL lag; every successful
 *   write sets `expiresAt` to now + the `ttlSeconds` given.
 * - It holds at most the store's `maxChannelsPerConnection` channels: a write that would exceed it
 *   throws `TooManyChannelsError` and changes nothing.
 */
export interface SessionRecord {
  /** The session id. */
  sessionId: string;
  /** The connection holding the session: only a token issued for it can claim it. */
  holder: string;
  /**
   * Per channel, the channel's history sequence number when the session joined it (≥ 0), or
   * {@link UNKNOWN_START} (-1): a channel without history, or one whose start is not known.
   */
  channels: Record<string, number>;
  /**
   * Whether the holder closed: `channels` then lists every channel its connection was in
   * (written at its `$disconnect`, before its record was removed).
   */
  closed: boolean;
  /** When the session stops being returned, epoch seconds. */
  expiresAt: number;
}

/** What a successful `claimSession` took over. */
export interface SessionClaim {
  /** The session's channels as the claim found them: the closed holder's snapshot, or a live holder's starts. */
  channels: Record<string, number>;
  /** Whether the previous holder had closed (then `channels` lists every channel it was in). */
  closed: boolean;
  /** Whether the session was absent or expired: the claim created it (`channels` is then empty). */
  created: boolean;
}

/** The number of a session channel without a known history start (a channel without history). */
export const UNKNOWN_START = -1;

/** What `markSession` changes: `remove` first, then `add` where a channel is absent or unknown. */
export interface SessionMarks {
  /** Channels to record with their start; a channel already recorded with a start (≥ 0) keeps it. */
  add?: Readonly<Record<string, number>>;
  /** Channels to forget (applied before `add`, so both together overwrite a start). */
  remove?: readonly string[];
}

/** The store keeps no sessions (it does not implement the session primitives). */
export class SessionsNotSupportedError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'SessionsNotSupported';
  constructor(storeName: string) {
    super(SessionsNotSupportedError.code, `${storeName} keeps no sessions (claimSession, markSession, …)`);
  }
}

// Session ids are wsapp's (22 base64url characters); anything id-like up to 128 characters is accepted.
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Throws a RangeError unless `sessionId` is 1–128 characters of base64url. */
export function assertSessionId(sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw new RangeError('sessionId must be 1-128 characters of A-Z, a-z, 0-9, _ or -');
  }
}

function assertStart(channel: string, start: unknown): asserts start is number {
  if (!Number.isSafeInteger(start) || (start as number) < UNKNOWN_START) {
    throw new RangeError(
      `session channel ${JSON.stringify(channel)}: start must be an integer ≥ -1, got ${String(start)}`,
    );
  }
}

/**
 * Validates and copies `marks` (channel names against `limits`, starts as integers ≥ -1, at most
 * `maxChannelsPerConnection` channels added and twice that removed); answers plain copies.
 */
export function normalizeSessionMarks(
  marks: SessionMarks,
  limits: StoreLimits,
): { add: Array<[string, number]>; remove: string[] } {
  if (marks === null || typeof marks !== 'object') throw new TypeError('session marks must be an object');
  const add: Array<[string, number]> = [];
  const given = marks.add ?? {};
  if (given === null || typeof given !== 'object')
    throw new TypeError('marks.add must map channels to starts');
  for (const [channel, start] of Object.entries(given)) {
    assertChannel(channel, limits);
    assertStart(channel, start);
    add.push([channel, start]);
  }
  const remove = [...new Set(marks.remove ?? [])];
  for (const channel of remove) assertChannel(channel, limits);
  assertCount(add.length, limits);
  // Removals may name every recorded channel and every channel added (overwritten) at once.
  assertCount(remove.length, { ...limits, maxChannelsPerConnection: 2 * limits.maxChannelsPerConnection });
  return { add, remove };
}

/** Validates the channels of `closeSession`; answers them without duplicates. */
export function normalizeSessionChannels(channels: readonly string[], limits: StoreLimits): string[] {
  if (!Array.isArray(channels)) throw new TypeError('session channels must be an array of channel names');
  for (const channel of channels) assertChannel(channel, limits);
  const unique = [...new Set(channels)];
  assertCount(unique.length, limits);
  return unique;
}

function assertCount(count: number, limits: StoreLimits): void {
  if (count > limits.maxChannelsPerConnection) {
    throw new RangeError(
      `a session holds at most ${limits.maxChannelsPerConnection} channels, got ${count} in one call`,
    );
  }
}

/** Validates the ids and TTL of a session write. */
export function assertSessionWrite(sessionId: string, connectionIds: readonly string[], ttl: number): void {
  assertSessionId(sessionId);
  for (const id of connectionIds) assertConnectionId(id);
  assertTtl(ttl);
}

/**
 * The channel map after `markSession` (pure; what every store computes, atomically with its
 * holder check): `remove` first, then each `add` where the channel is absent or unknown.
 */
export function applySessionMarks(
  current: Readonly<Record<string, number>>,
  add: ReadonlyArray<readonly [string, number]>,
  remove: readonly string[],
): Record<string, number> {
  const next = new Map(Object.entries(current));
  for (const channel of remove) next.delete(channel);
  for (const [channel, start] of add) {
    const had = next.get(channel);
    if (had === undefined || had < 0) next.set(channel, start);
  }
  return Object.fromEntries(next);
}

/**
 * The channel map after `closeSession` (pure): exactly `channels`, each keeping its start when
 * it had one, {@link UNKNOWN_START} otherwise.
 */
export function applySessionClose(
  current: Readonly<Record<string, number>>,
  channels: readonly string[],
): Record<string, number> {
  const known = new Map(Object.entries(current));
  return Object.fromEntries(channels.map((channel) => [channel, known.get(channel) ?? UNKNOWN_START]));
}
