import type { WebSocketContext } from '../context/web-socket-context.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import { historyFrame } from '../history/history-frame.js';
import type { HistoryPolicy } from '../history/history-options.js';
import { type HistoryGap, planReplay } from '../history/replay.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionConfig } from './session-options.js';
import { type ResumeRefusal, readOutcome, SESSION_KEY } from './session-state.js';
import { signSessionToken } from './session-token.js';

/** The resume route's answer (after the missed messages were posted). */
export interface ResumeReply {
  /** The token to reconnect with: for this connection, valid until the resume window after it closes. */
  token: string;
  /** Whether this connection took over an earlier connection's session at `$connect`. */
  resumed: boolean;
  /** Why not: the token's MAC did not verify (`forged`), it belongs to another principal (`foreign`), the window passed (`expired`), it was already used (`superseded`), no token (`none`). */
  reason?: ResumeRefusal;
  /** The connection's channels now. */
  channels: string[];
  /** Each history channel's highest sequence number. */
  heads: Record<string, number>;
  /** History channels where messages were lost: reload their state. */
  gaps: HistoryGap[];
}

/** Reads `since` of a resume request: channel → last sequence number seen. */
function readSince(body: unknown): Record<string, number> {
  const since = typeof body === 'object' && body !== null ? (body as { since?: unknown }).since : undefined;
  if (since === undefined || since === null) return {};
  if (typeof since !== 'object' || Array.isArray(since)) {
    throw new WebSocketError(400, 'resume: since must map channels to sequence numbers');
  }
  for (const seq of Object.values(since)) {
    if (!Number.isSafeInteger(seq) || (seq as number) < 0) {
      throw new WebSocketError(400, 'resume: since must map channels to non-negative integers');
    }
  }
  return since as Record<string, number>;
}

/**
 * The handler of the automatic two-way resume route: posts the missed messages of the
 * connection's history channels (`$replay: true`, in order, each awaited) and then answers a
 * {@link ResumeReply}. Only channels the connection is a member of are read.
 */
export function resumeHandler(
  store: ConnectionStore,
  config: SessionConfig,
  policy: HistoryPolicy | undefined,
  logger: Logger,
): (ctx: WebSocketContext<unknown, object, object>) => Promise<ResumeReply> {
  return async (ctx) => {
    const since = readSince(ctx.body);
    const record = await store.get(ctx.connectionId);
    const sessionId = record?.data[SESSION_KEY];
    const outcome = record && readOutcome(record.data);
    if (record === undefined || typeof sessionId !== 'string' || outcome === undefined) {
      throw new WebSocketError(
        409,
        'resume: this connection has no session (it connected before sessions were enabled)',
      );
    }
    const logged = policy === undefined ? [] : record.channels.filter((channel) => policy.has(channel));
    const plan =
      logged.length === 0 ? { messages: [], heads: {}, gaps: [] } : await planReplay(store, logged, since);
    for (const message of plan.messages) {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(message.payload) as Record<string, unknown>;
      } catch (error) {
        logger.warn('wsapp: a history entry is not JSON; not replayed', {
          messageId: message.messageId,
          error,
        });
        continue;
      }
      if ((await ctx.send(historyFrame(data, message.messageId, message.seqs, true))) === 'gone') break;
    }
    const token = signSessionToken(
      { s: sessionId, p: outcome.p, c: ctx.connectionId, t: Math.floor(Date.now() / 1000) },
      config.secrets[0] as Buffer,
    );
    return {
      token,
      resumed: outcome.resumed === true,
      ...(outcome.resumed === true ? {} : { reason: outcome.reason ?? 'none' }),
      channels: record.channels,
      heads: plan.heads,
      gaps: plan.gaps,
    };
  };
}
