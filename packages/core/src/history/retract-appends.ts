import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** One append that landed: its channel and the sequence number the store answered. */
export interface LandedAppend {
  /** The history channel. */
  channel: string;
  /** The entry's sequence number there. */
  seq: number;
}

/**
 * Takes back the appends of a broadcast that failed before sending anything (another channel's
 * append was refused, or the deadline came first), so no session that resumes is replayed a
 * message that was never sent. Each is replaced by a "nothing here" marker (`retractHistory`):
 * its number is not reused, readers see neither a message nor a gap there. Best effort: a store
 * without `retractHistory`, or a retraction that fails too, leaves that entry in its log (logged;
 * the broadcast's own error is what the caller throws). Never throws.
 */
export async function retractAppends(
  store: ConnectionStore,
  messageId: string,
  landed: readonly LandedAppend[],
  logger: Pick<Logger, 'error'> | undefined,
): Promise<void> {
  if (landed.length === 0) return;
  const retract = store.retractHistory?.bind(store);
  const left: Array<{ channel: string; seq: number; error?: unknown }> = [];
  if (retract === undefined) left.push(...landed);
  else {
    const outcomes = await Promise.allSettled(
      landed.map(({ channel, seq }) => retract(channel, { seq, messageId })),
    );
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') left.push({ ...(landed[i] as LandedAppend), error: outcome.reason });
    });
  }
  if (left.length > 0) {
    logger?.error('wsapp: a failed broadcast could not take back its history appends; they stay in the log', {
      messageId,
      entries: left,
    });
  }
}
