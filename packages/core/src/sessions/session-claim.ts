import type { WebSocketContext } from '../context/web-socket-context.js';
import type { HistoryPolicy } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { freshSession } from './session-connect.js';
import { historyChannels, readStarts } from './session-marks.js';
import type { SessionConfig } from './session-options.js';
import { type ResumeOutcome, readOutcome, sessionIdOf } from './session-state.js';
import type { SessionStore } from './session-store.js';

/** What a resume request found the connection's session to be, once claimed. */
export interface ClaimedSession {
  /** The connection's session (a new one when another connection claimed the presented one first). */
  sessionId: string;
  /** What the resume reply says about it. */
  outcome: ResumeOutcome;
  /** The connection's channels now. */
  channels: string[];
}

/** What {@link claimResumed} needs. */
export interface ClaimDeps {
  store: ConnectionStore;
  sessions: SessionStore;
  config: SessionConfig;
  policy: HistoryPolicy | undefined;
  logger: Logger;
  /** Tells the app's per-process cache that a connection's session changed. */
  remember(connectionId: string, sessionId: string): void;
}

/**
 * The resume request of a connection that `$connect` rejoined to a presented token's session
 * claims it: `claimSession` moves the session from the token's connection to this one, atomically
 * (of any number of connections presenting one token, exactly one claims it). Only now, when the
 * client has shown it holds this connection, is the token used up and the old connection's record
 * retired (make-before-break): a connection the client never saw open costs nothing.
 *
 * The old record goes after its channels are carried over, so a join it answered after this
 * connection's `$connect` is kept, and a later one fails (the record is gone) rather than being
 * lost. A repeated resume request (the client retried it) finds the claim made and answers the
 * same. If another connection claimed the session first, this one is answered `superseded` and
 * keeps its channels as a new session of its own, starting now.
 */
export async function claimResumed(
  ctx: WebSocketContext<unknown, object, object>,
  deps: ClaimDeps,
  record: ConnectionRecord,
  sessionId: string,
  outcome: ResumeOutcome,
): Promise<ClaimedSession> {
  const from = outcome.from;
  if (outcome.resumed !== true || from === undefined) {
    return { sessionId, outcome, channels: record.channels };
  }
  const { store, sessions, config, logger } = deps;
  const me = ctx.connectionId;
  const ttl = config.liveSessionSeconds;
  // A token takes over a connection still recorded only from the client instance that opened it
  // (its replacement, or its reconnect before the old `$disconnect` ran): another instance — a
  // second tab reading a shared token — gets a session of its own.
  if (outcome.live === true && outcome.i !== undefined) {
    const old = await store.get(from);
    const theirs = old && sessionIdOf(old.data) === sessionId ? readOutcome(old.data)?.i : undefined;
    if (theirs !== undefined && theirs !== outcome.i) return fork(ctx, deps, record, outcome);
  }
  const claim = await sessions.claim(sessionId, from, me, ttl);
  let known = claim?.channels;
  let closed = claim?.closed === true;
  if (known === undefined) {
    const now = await sessions.read(sessionId);
    if (now?.holder !== me) return fork(ctx, deps, record, outcome);
    known = now.channels; // claimed by an earlier attempt of this request
    closed = false;
  }
  let channels = record.channels;
  if (outcome.live === true) {
    try {
      channels = await takeOver(store, me, from, sessionId, channels, closed ? Object.keys(known) : []);
    } catch (error) {
      logger.warn('wsapp: could not take over the channels of the resumed session', {
        connectionId: me,
        error,
      });
    }
  }
  // Channels the session recorded and is no longer in (left without ctx.leave) are forgotten.
  const current = new Set(channels);
  const stale = Object.keys(known).filter((channel) => !current.has(channel));
  if (stale.length > 0) {
    try {
      await sessions.mark(sessionId, me, { remove: stale }, ttl);
    } catch (error) {
      logger.warn('wsapp: could not forget stale session channels', { connectionId: me, error });
    }
  }
  return { sessionId, outcome, channels };
}

/**
 * Make-before-break: this connection joins the old connection's channels (the snapshot its
 * `$disconnect` wrote, if it has closed since; else its record), the old record is removed, and
 * the record as removed — every join and leave it answered is in it, none can follow — decides:
 * what it joined since is joined, what it left since is left. Answers `me`'s channels.
 */
async function takeOver(
  store: ConnectionStore,
  me: string,
  from: string,
  sessionId: string,
  channels: readonly string[],
  snapshot: readonly string[],
): Promise<string[]> {
  const have = new Set(channels);
  const added = new Set<string>();
  const carry = async (list: readonly string[]) => {
    const missing = list.filter((channel) => !have.has(channel));
    if (missing.length === 0) return;
    await store.join(me, missing);
    for (const channel of missing) {
      have.add(channel);
      added.add(channel);
    }
  };
  const ours = (old: ConnectionRecord | undefined) =>
    old !== undefined && sessionIdOf(old.data) === sessionId ? old : undefined;
  await carry(snapshot);
  await carry(ours(await store.get(from))?.channels ?? []);
  const last = ours(await store.unregister(from));
  // Removed by its `$disconnect` or gone-cleanup meanwhile: that removal handed its channels to
  // this connection (`snapshotSession`), so this record says what it is in now.
  if (last === undefined) for (const channel of (await store.get(me))?.channels ?? []) have.add(channel);
  if (last !== undefined && snapshot.length === 0) {
    await carry(last.channels);
    const kept = new Set(last.channels);
    const left = [...added].filter((channel) => !kept.has(channel));
    if (left.length > 0) {
      await store.leave(me, left);
      for (const channel of left) have.delete(channel);
    }
  }
  return [...have];
}

/** Another connection claimed the session first: this one gets a session of its own, starting now. */
async function fork(
  ctx: WebSocketContext<unknown, object, object>,
  { store, sessions, config, policy, remember }: ClaimDeps,
  record: ConnectionRecord,
  outcome: ResumeOutcome,
): Promise<ClaimedSession> {
  const me = ctx.connectionId;
  const session = freshSession(me, outcome.p, 'superseded', config.resumeWindowSeconds, outcome.i);
  const logged = historyChannels(policy, record.channels);
  if (logged.length > 0) {
    const add = await readStarts(store, logged);
    await sessions.mark(session.sessionId, me, { add }, config.liveSessionSeconds);
  }
  await store.update(me, session.data);
  remember(me, session.sessionId);
  return {
    sessionId: session.sessionId,
    outcome: readOutcome(session.data) as ResumeOutcome,
    channels: record.channels,
  };
}
