import type { BroadcastReport, LambdaContext, Logger } from '@wsapp/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Broadcasts } from './broadcaster.js';
import { userChannel } from './channels.js';
import { summarizeReport } from './report-log.js';

/** A direct notification to every connection of one user. */
export const Notification = z.object({
  userId: z.string().min(1).max(128),
  /** Any JSON object, delivered as `{ type: 'notification', data }`. */
  data: z.record(z.string(), z.unknown()),
});

/** A validated notification. */
export type Notification = z.infer<typeof Notification>;

/** What the notify Lambda receives: the notification itself (direct invoke) or as an EventBridge `detail`. */
export type NotifyEvent = Notification | EventBridgeEvent<string, unknown>;

/** What the notify Lambda answers. */
export interface NotifyOutcome {
  userId: string;
  /** `delivered` is the number of the user's connections reached (0 when the user is offline). */
  report: BroadcastReport;
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  /** `app.broadcast` of the ticker app, or a `Messenger` over the same store. */
  messaging: Broadcasts;
  /** Where reports are logged; `console` by default. */
  logger?: Logger;
}

/**
 * The notify Lambda: sends a message to every open connection of one user through the
 * `user#<id>` channel each connection joined on `$connect`. Throws on an invalid notification.
 */
export function createNotifier(
  options: NotifierOptions,
): (event: NotifyEvent, context?: LambdaContext) => Promise<NotifyOutcome> {
  const logger = options.logger ?? console;
  return async (event, context) => {
    const input = 'detail' in event && 'detail-type' in event ? event.detail : event;
    const parsed = Notification.safeParse(input);
    if (!parsed.success) throw new TypeError(`invalid notification: ${parsed.error.message}`);
    const { userId, data } = parsed.data;
    const report = await options.messaging.broadcast(
      { channels: [userChannel(userId)] },
      { type: 'notification', data },
      { lambdaContext: context },
    );
    logger.info?.('ticker: notification sent', { userId, ...summarizeReport(report) });
    return { userId, report };
  };
}
