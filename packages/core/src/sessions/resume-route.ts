import type { WebSocketContext } from '../context/web-socket-context.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import type { HistoryPolicy } from '../history/history-options.js';
import { type ReplayPageReply, replayPage } from './replay-route.js';
import { channelKey, parseHave } from './replay-wire.js';
import { type ClaimDeps, claimResumed } from './session-claim.js';
import { type ResumeRefusal, readOutcome, sessionIdOf } from './session-state.js';
import { signSessionToken } from './session-token.js';

/** The resume route's answer to a resume request: the token first, before any replay. */
export interface ResumeReply {
  /** The token to reconnect with: for this connection, valid until the resume window after it closes. */
  token: string;
  /** Whether this connection took over an earlier connection's session (claimed by this request). */
  resumed: boolean;
  /** Why not: the token's MAC did not verify (`forged`), it belongs to another principal (`foreign`), the window passed (`expired`), it was already used (`superseded`), no token (`none`). */
  reason?: ResumeRefusal;
  /** The connection's channels now (the first ones up to 64 KB of names when there are more: see `channelCount`). */
  channels: string[];
  /** How many channels the connection has, when `channels` lists only some. */
  channelCount?: number;
  /** The session's channel key: names the client's channels in replay requests (see the README). */
  key: string;
  /** Whether the connection has history channels: the client then asks for replay pages. */
  replay: boolean;
}

/** Largest size of the channel names listed in a resume reply (it must stay far under 128 KB). */
const CHANNEL_LIST_BYTES = 64 * 1024;

/** The replay request in a resume body: `{ replay: { have } }`, or `undefined` for a resume request. */
function readRequest(body: unknown): { have: string | undefined } | undefined {
  const replay =
    typeof body === 'object' && body !== null ? (body as { replay?: unknown }).replay : undefined;
  if (replay === undefined || replay === null) return undefined;
  if (typeof replay !== 'object' || Array.isArray(replay)) {
    throw new WebSocketError(400, 'resume: replay must be an object { have }');
  }
  const { have } = replay as { have?: unknown };
  if (have !== undefined && typeof have !== 'string')
    throw new WebSocketError(400, 'resume: replay.have must be a string');
  return { have };
}

function listed(channels: readonly string[]): { channels: string[]; channelCount?: number } {
  let bytes = 0;
  const out: string[] = [];
  for (const channel of channels) {
    bytes += Buffer.byteLength(JSON.stringify(channel), 'utf8') + 1;
    if (bytes > CHANNEL_LIST_BYTES) return { channels: out, channelCount: channels.length };
    out.push(channel);
  }
  return { channels: out };
}

/**
 * The handler of the automatic two-way resume route. A resume request (no `replay` field) answers
 * a {@link ResumeReply} at once: nothing is replayed before the client holds its new token. A replay
 * request (`{ replay: { have } }`) answers one {@link ReplayPageReply}: the client asks again until
 * `done`. Only channels the connection is a member of are read.
 */
export function resumeHandler(
  deps: ClaimDeps,
): (ctx: WebSocketContext<unknown, object, object>) => Promise<ResumeReply | ReplayPageReply> {
  const { store, sessions, config, policy, logger } = deps;
  return async (ctx) => {
    const request = readRequest(ctx.body);
    const have = request === undefined ? undefined : parseHave(request.have);
    const record = await store.get(ctx.connectionId);
    const sessionId = sessionIdOf(record?.data);
    const outcome = record && readOutcome(record.data);
    if (record === undefined || sessionId === undefined || outcome === undefined) {
      throw new WebSocketError(
        409,
        'resume: this connection has no session (it connected before sessions were enabled)',
      );
    }
    if (have !== undefined) {
      const key = channelKey(sessionId);
      const pageDeps = { store, sessions, policy, logger, liveSeconds: config.liveSessionSeconds };
      return replayPage(ctx, pageDeps, { record, sessionId, key, have });
    }
    // The client holds this connection: the session is claimed for it now, before its token is issued.
    const claimed = await claimResumed(ctx, deps, record, sessionId, outcome);
    const token = signSessionToken(
      { s: claimed.sessionId, p: claimed.outcome.p, c: ctx.connectionId, t: Math.floor(Date.now() / 1000) },
      config.secrets[0] as Buffer,
    );
    return {
      token,
      resumed: claimed.outcome.resumed === true,
      ...(claimed.outcome.resumed === true ? {} : { reason: claimed.outcome.reason ?? 'none' }),
      ...listed(claimed.channels),
      key: channelKey(claimed.sessionId),
      replay: hasHistory(policy, claimed.channels),
    };
  };
}

function hasHistory(policy: HistoryPolicy | undefined, channels: readonly string[]): boolean {
  return policy !== undefined && channels.some((channel) => policy.has(channel));
}
