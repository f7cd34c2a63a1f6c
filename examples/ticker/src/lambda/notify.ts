import type { LambdaContext } from '@wsapp/core';
import { createNotifier, type NotifyEvent, type NotifyOutcome } from '../notify.js';
import { tickerApp } from './ticker.js';

/** Lambda entry point of direct notifications: `{ userId, data }`, invoked directly or from EventBridge. */
export async function handler(event: NotifyEvent, context: LambdaContext): Promise<NotifyOutcome> {
  const app = await tickerApp();
  return createNotifier({ messaging: app })(event, context);
}
