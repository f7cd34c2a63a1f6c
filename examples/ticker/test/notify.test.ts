import { describe, expect, it, vi } from 'vitest';
import { eventBridgeEvent } from '../src/aws-events.js';
import { createNotifier } from '../src/notify.js';
import { fakeMessaging } from './fake-messaging.js';

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn() });

describe('notify', () => {
  it("sends to the user's channel, invoked directly or from EventBridge", async () => {
    const { messaging, sent } = fakeMessaging();
    const notify = createNotifier({ messaging, logger: logger() });
    const direct = await notify({ userId: 'ada', data: { text: 'order filled' } });
    await notify(eventBridgeEvent('UserNotification', 'ticker.orders', { userId: 'bob', data: { n: 1 } }));
    expect(direct).toMatchObject({ userId: 'ada', report: { delivered: 1 } });
    expect(sent).toEqual([
      { target: { channels: ['user#ada'] }, data: { type: 'notification', data: { text: 'order filled' } } },
      { target: { channels: ['user#bob'] }, data: { type: 'notification', data: { n: 1 } } },
    ]);
  });

  it('refuses an invalid notification', async () => {
    const { messaging, sent } = fakeMessaging();
    const notify = createNotifier({ messaging, logger: logger() });
    await expect(notify({ userId: '', data: {} })).rejects.toThrow(/invalid notification/);
    expect(sent).toEqual([]);
  });
});
