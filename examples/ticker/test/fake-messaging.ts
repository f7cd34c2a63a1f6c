import type { BroadcastReport, BroadcastTarget, MessageData } from '@wsapp/core';
import type { Broadcasts } from '../src/broadcaster.js';

/** One recorded `broadcast` call. */
export interface Sent {
  target: BroadcastTarget;
  data: MessageData;
}

/** A `broadcast` that records its calls and answers a fixed report (or throws `fail`). */
export function fakeMessaging(fail?: (target: BroadcastTarget) => Error | undefined) {
  const sent: Sent[] = [];
  const messaging: Broadcasts = {
    broadcast: async (target, data) => {
      const error = fail?.(target);
      if (error !== undefined) throw error;
      sent.push({ target, data });
      const report: BroadcastReport = {
        attempted: 2,
        delivered: 1,
        gone: 1,
        failed: [],
        notRemoved: [],
        messageId: 'm1',
        durationMs: 3,
      };
      return report;
    },
  };
  return { messaging, sent };
}
