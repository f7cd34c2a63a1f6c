import type { WebSocketEvent } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, start } from '../helpers.js';

/** Every key path of a value, e.g. `requestContext.identity.sourceIp` (header names left out). */
function shape(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) =>
    /headers$/i.test(key) ? [`${prefix}${key}`] : shape(inner, `${prefix}${key}.`),
  );
}

const ID = /^[A-Za-z0-9_-]{15}=$/;
const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

describe('one event builder for the emulator and @wsapp/testing', () => {
  it('factory events have exactly the shape, id and time formats of the emulator’s', async () => {
    const log = new EventLog();
    const server = await start(
      async (event: WebSocketEvent) => {
        log.record(event);
        return { statusCode: 200 };
      },
      { authorizer: () => ({ principalId: 'ada' }), routes: ['say'] },
    );
    const client = await connect(`${server.url}?room=1`, undefined, { headers: { 'User-Agent': 'probe/1' } });
    client.send({ action: 'say' });
    await log.waitFor('say');
    client.ws.close(1000);
    const emulated = [
      await log.waitFor('$connect'),
      await log.waitFor('say'),
      await log.waitFor('$disconnect'),
    ];
    const options = { authorizer: { principalId: 'ada' }, userAgent: 'probe/1' };
    const built = [
      connectEvent({ ...options, query: { room: '1' } }),
      messageEvent({ action: 'say' }, options),
      disconnectEvent(options),
    ];
    for (const [i, event] of emulated.entries()) {
      const factory = built[i] as WebSocketEvent;
      expect(shape(factory).sort()).toEqual(shape(event).sort());
      for (const e of [event, factory]) {
        expect(e.requestContext.connectionId).toMatch(ID);
        expect(e.requestContext.requestId).toMatch(ID);
        expect(e.requestContext.requestTime).toMatch(REQUEST_TIME);
      }
    }
    expect(emulated[1]?.requestContext.messageId).toMatch(ID);
    expect(built[1]?.requestContext.messageId).toMatch(ID);
  });
});
