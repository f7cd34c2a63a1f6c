import { Logger } from '@aws-lambda-powertools/logger';
import { appendLogKeys, WebSocketApp } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureOutput } from './powertools-capture.js';

let capture: ReturnType<typeof captureOutput> | undefined;
afterEach(() => capture?.restore());

describe('logger option with a Powertools Logger', () => {
  it("writes wsapp's own log lines as structured JSON with connectionId, routeKey, requestId", async () => {
    capture = captureOutput();
    const logger = new Logger({ serviceName: 'chat' });
    const app = new WebSocketApp({ logger }).onConnect(() => undefined);
    app.route('boom', () => {
      throw new Error('database down');
    });
    const response = await app.resolve(
      messageEvent({ action: 'boom' }, { connectionId: 'c-1=', requestId: 'r-1' }),
    );
    capture.restore();
    expect(response.statusCode).toBe(500);
    const line = capture.lines().find((l) => l.message === 'wsapp: unhandled error in handler');
    expect(line).toMatchObject({
      level: 'ERROR',
      service: 'chat',
      connectionId: 'c-1=',
      routeKey: 'boom',
      requestId: 'r-1',
      error: { name: 'Error', message: 'database down' },
    });
  });

  it('appendLogKeys correlates the handlers’ own lines for the request only', async () => {
    capture = captureOutput();
    const logger = new Logger({ serviceName: 'chat' });
    const app = new WebSocketApp({ logger }).onConnect(() => undefined).use(appendLogKeys(logger));
    app.route('work', () => {
      logger.info('working');
      return 'ok';
    });
    await app.resolve(messageEvent({ action: 'work' }, { connectionId: 'c-2=', requestId: 'r-2' }));
    logger.info('between requests');
    capture.restore();
    const lines = capture.lines();
    expect(lines.find((l) => l.message === 'working')).toMatchObject({
      connectionId: 'c-2=',
      routeKey: 'work',
      requestId: 'r-2',
    });
    const after = lines.find((l) => l.message === 'between requests');
    expect(after).toBeDefined();
    expect(after).not.toHaveProperty('connectionId');
    expect(after).not.toHaveProperty('requestId');
  });
});
