import type { WebSocketContext } from '../context/web-socket-context.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import { historyFrame } from '../history/history-frame.js';
import type { HistoryPolicy } from '../history/history-options.js';
import {
  type HistoryGap,
  planReplayPage,
  type ReplayChannel,
  type ReplayMessage,
  type ReplayOutcome,
} from '../history/replay-page.js';
import { MAX_PAYLOAD_BYTES } from '../limits.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { UNKNOWN_START } from '../store/session-record.js';
import { CHANNEL_ID_LENGTH, channelIdOf, type SeqRanges } from './replay-wire.js';
import { historyChannels } from './session-marks.js';
import type { SessionStore } from './session-store.js';

/** One replay page: the missed messages in order, and what each channel now accounts for. */
export interface ReplayPageReply {
  /** Replayed frames (`$mid`, `$seq`, `$replay: true`), in order. */
  messages: Array<Record<string, unknown>>;
  /**
   * Per channel, `[channel, lo, hi, lo, hi, …]`: inclusive ranges of sequence numbers now
   * accounted for (replayed in this page, or lost and reported in `gaps`); add them to what is held.
   */
  covered: Array<[string, ...number[]]>;
  /** Channels where messages were lost. */
  gaps: HistoryGap[];
  /** Channels whose log restarted: forget what is held of them before applying `covered`. */
  reset: string[];
  /** Channel ids of `have` that are not history channels of the session: forget them. */
  drop: string[];
  /** Nothing replayable is left: stop asking. */
  done: boolean;
}

/**
 * Bytes of one reply body (API Gateway's 128 KB message limit, with room for the envelope):
 * replayed frames, per-channel reports, and ids to drop.
 */
const MESSAGE_BYTES = 96 * 1024;
const REPORT_BYTES = 16 * 1024;
const DROP_BYTES = 8 * 1024;
/** Entries read per channel with payloads, per page. */
const WINDOW = 1000;
/** Channels read at once. */
const CONCURRENCY = 16;
/** The longest a missing sequence number is taken for an append in flight. */
const SETTLE_MS = 60_000;

interface Deps {
  store: ConnectionStore;
  sessions: SessionStore;
  policy: HistoryPolicy | undefined;
  logger: Logger;
  /** Lifetime a mark gives the session (the live one). */
  liveSeconds: number;
}

interface Request {
  record: ConnectionRecord;
  sessionId: string;
  key: string;
  have: Map<string, SeqRanges>;
}

/**
 * Answers one replay page: what the client misses on the connection's history channels since the
 * session joined each (its start), less what it holds (`have`), oldest first, in the reply body
 * (no management call), within {@link MESSAGE_BYTES}. A single message too large for any body is
 * posted on its own before the reply. Each page reads at most {@link WINDOW} entries per channel,
 * so it stays far inside API Gateway's 29 s and the client's timeout whatever the backlog.
 */
export async function replayPage(
  ctx: WebSocketContext<unknown, object, object>,
  { store, sessions, policy, logger, liveSeconds }: Deps,
  { record, sessionId, key, have }: Request,
): Promise<ReplayPageReply> {
  const logged = historyChannels(policy, record.channels).sort();
  const read = store.readHistory?.bind(store);
  if (policy === undefined || read === undefined || logged.length === 0) {
    return { messages: [], covered: [], gaps: [], reset: [], drop: [...have.keys()], done: true };
  }
  const ids = new Map<string, string[]>();
  for (const channel of logged) {
    const id = channelIdOf(key, channel);
    ids.set(id, [...(ids.get(id) ?? []), channel]);
  }
  const starts = (await sessions.read(sessionId))?.channels ?? {};
  const channels: ReplayChannel[] = logged.map((channel) => {
    const id = channelIdOf(key, channel);
    const start = Object.hasOwn(starts, channel) ? (starts[channel] as number) : UNKNOWN_START;
    // Two channels of one session with one id (never seen; ids are keyed per session): the
    // client's holdings are not trusted for either, it drops what it already has.
    const held = (ids.get(id) as string[]).length === 1 ? (have.get(id) ?? []) : [];
    return { channel, start: start > UNKNOWN_START ? start : undefined, held };
  });
  const frames = new Map<string, Record<string, unknown> | null>();
  let bytes = 0;
  const plan = await planReplayPage(channels, {
    read,
    maxLength: policy.retention.maxLength,
    settleMs: Math.min(SETTLE_MS, (policy.retention.ttlSeconds * 1000) / 2),
    now: Date.now(),
    window: WINDOW,
    concurrency: CONCURRENCY,
    fits(message, accepted) {
      const frame = frameOf(message, logger);
      frames.set(message.messageId, frame);
      const size = frame === null ? 0 : Buffer.byteLength(JSON.stringify(frame), 'utf8') + 1;
      if (bytes + size <= MESSAGE_BYTES) {
        bytes += size;
        return 'yes';
      }
      return accepted === 0 ? 'alone' : 'no';
    },
  });
  await fixStarts(
    sessions,
    { sessionId, connectionId: ctx.connectionId, liveSeconds },
    plan.outcomes,
    logger,
  );
  if (plan.oversized !== undefined) {
    const frame = frames.get(plan.oversized.messageId);
    if (frame !== null && frame !== undefined && (await ctx.send(frame)) === 'gone') {
      throw new WebSocketError(410, 'resume: the connection is gone');
    }
  }
  const unknown = [...have.keys()].filter((id) => !ids.has(id));
  const drop = unknown.slice(0, Math.floor(DROP_BYTES / (CHANNEL_ID_LENGTH + 3)));
  const reply: ReplayPageReply = {
    messages: plan.messages.flatMap((m) => {
      const frame = frames.get(m.messageId);
      return frame === null || frame === undefined ? [] : [frame];
    }),
    covered: [],
    // A stored message that cannot be replayed is lost: said, like a trimmed one.
    gaps: unreplayable(plan.messages, plan.oversized, frames),
    reset: [],
    drop,
    done: plan.done && drop.length === unknown.length,
  };
  let reported = 0;
  for (const outcome of plan.outcomes) {
    const size = Buffer.byteLength(JSON.stringify(outcome), 'utf8');
    // At least one channel's report per page, so that every page makes progress.
    if (reported > 0 && reported + size > REPORT_BYTES) {
      reply.done = false;
      break;
    }
    reported += size;
    if (outcome.reset === true) reply.reset.push(outcome.channel);
    if (outcome.covered.length > 0) reply.covered.push([outcome.channel, ...outcome.covered]);
    if (outcome.gap !== undefined) reply.gaps.push(outcome.gap);
  }
  return reply;
}

/** Gaps for the messages whose frame could not be made (one per channel and message). */
function unreplayable(
  messages: readonly ReplayMessage[],
  oversized: ReplayMessage | undefined,
  frames: ReadonlyMap<string, Record<string, unknown> | null>,
): HistoryGap[] {
  return [...messages, ...(oversized === undefined ? [] : [oversized])]
    .filter((m) => frames.get(m.messageId) === null)
    .flatMap((m) =>
      Object.entries(m.seqs).map(([channel, seq]) => ({
        channel,
        since: seq - 1,
        oldestSeq: seq + 1,
        reason: 'lost' as const,
      })),
    );
}

/** The replayed frame of a message, `null` (logged) when its stored payload is not a JSON object. */
function frameOf(message: ReplayMessage, logger: Logger): Record<string, unknown> | null {
  try {
    const data = JSON.parse(message.payload) as unknown;
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const frame = historyFrame(data as Record<string, unknown>, message.messageId, message.seqs, true);
      // A frame over the message limit (many channels' seqs) would be refused by API Gateway.
      if (Buffer.byteLength(JSON.stringify(frame), 'utf8') <= MAX_PAYLOAD_BYTES) return frame;
    }
  } catch {
    // Logged below.
  }
  logger.warn('wsapp: a history entry cannot be replayed (not a JSON object, or too large); skipped', {
    messageId: message.messageId,
  });
  return null;
}

/** Writes the starts a page corrected (unknown ones, and logs that restarted); a failure is logged. */
async function fixStarts(
  sessions: SessionStore,
  { sessionId, connectionId, liveSeconds }: { sessionId: string; connectionId: string; liveSeconds: number },
  outcomes: readonly ReplayOutcome[],
  logger: Logger,
): Promise<void> {
  const fixed = outcomes.filter((o) => o.fix !== undefined);
  if (fixed.length === 0) return;
  try {
    await sessions.mark(
      sessionId,
      connectionId,
      {
        remove: fixed.map((o) => o.channel),
        add: Object.fromEntries(fixed.map((o) => [o.channel, o.fix as number])),
      },
      liveSeconds,
    );
  } catch (error) {
    logger.warn('wsapp: could not record corrected session starts', { connectionId, error });
  }
}
