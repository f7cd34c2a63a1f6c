import type { WebSocketEvent } from '@wsapp/core';
import type { Authorizer } from '@wsapp/local';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, silentLogger, start } from '../helpers.js';
import { handshake, RawClient } from '../raw-client.js';

// Issue 26 item 15, from AWS's documentation:
// - "Output from an API Gateway Lambda authorizer": the context map's values are strings, numbers
//   or booleans, and reach the backend stringified (`"numberKey": "1"`, `"booleanKey": "true"`);
//   an object or array value is not valid (API Gateway fails the request: 500, "Authorizer
//   Configuration Error").
// - "Quotas for configuring and running a WebSocket in API Gateway": Lambda authorizer result
//   size 8 KB (not adjustable).
const LIMIT = 8 * 1024;

async function serverWith(authorizer: Authorizer) {
  const log = new EventLog();
  const logger = silentLogger();
  const server = await start(
    async (event: WebSocketEvent) => {
      log.record(event);
      return { statusCode: 200, body: 'ok' };
    },
    { authorizer, logger, twoWayRoutes: ['$default'] },
  );
  return { server, log, logger };
}

/** The status API Gateway's handshake answer carries, for a raw upgrade request with `?case=`. */
async function handshakeStatus(port: number, host: string, stage: string, which: string): Promise<number> {
  const raw = await RawClient.open(port, handshake(host, `/${stage}?case=${which}`));
  try {
    return await raw.status();
  } finally {
    raw.reset();
  }
}

/** A policy response allowing the connection with `context`. */
const allow = (methodArn: string, context: Record<string, unknown>, principalId = 'ada') =>
  ({
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
    },
    context,
  }) as ReturnType<Authorizer> & object;

/** The policy response of `context` is exactly `bytes` bytes of JSON (padding in `pad`). */
function sized(methodArn: string, bytes: number) {
  const base = JSON.stringify(allow(methodArn, { pad: '' }));
  return allow(methodArn, { pad: 'p'.repeat(bytes - Buffer.byteLength(base)) });
}

describe('the authorizer context as API Gateway passes it', () => {
  it('numbers and booleans reach $connect and every later event as strings', async () => {
    const { server, log } = await serverWith((request) =>
      allow(request.methodArn, { user: 'ada', level: 1, ratio: 2.5, admin: true, beta: false }),
    );
    expect(await handshakeStatus(server.port, server.domainName, server.stage, 'ok')).toBe(101);
    const client = await connect(server.url);
    client.send('hello');
    expect(await client.text()).toBe('ok');
    const id = (await log.waitFor('$default')).requestContext.connectionId;
    client.ws.close(1000);
    await log.waitFor('$disconnect', id);
    const expected = {
      principalId: 'ada',
      user: 'ada',
      level: '1',
      ratio: '2.5',
      admin: 'true',
      beta: 'false',
    };
    const own = log.events.filter((e) => e.requestContext.connectionId === id);
    expect(own.map((e) => e.requestContext.routeKey)).toEqual(['$connect', '$default', '$disconnect']);
    // The raw handshake's connection too (accepted with 101, then reset).
    expect(log.events.filter((e) => e.requestContext.routeKey === '$connect')).toHaveLength(2);
    for (const event of log.events) expect(event.requestContext.authorizer).toEqual(expected);
  });

  it('the short form (a bare context) is stringified the same way', async () => {
    const { server, log } = await serverWith(() => ({ principalId: 'bob', seats: 3, vip: true }));
    const client = await connect(server.url);
    const event = await log.waitFor('$connect');
    expect(event.requestContext.authorizer).toEqual({ principalId: 'bob', seats: '3', vip: 'true' });
    client.ws.close();
  });

  it.each([
    ['an object', { profile: { name: 'ada' } }],
    ['an array', { roles: ['admin'] }],
  ])(
    'a context value that is %s refuses the connection with 500, the integration not called',
    async (_what, context) => {
      const { server, log, logger } = await serverWith((request) => allow(request.methodArn, context));
      expect(await handshakeStatus(server.port, server.domainName, server.stage, 'bad')).toBe(500);
      expect(log.events).toEqual([]);
      expect(String(logger.error.mock.calls[0]?.[0])).toMatch(/strings, numbers and booleans/);
    },
  );

  it('a result of 8,192 bytes is accepted; 8,193, 9 KB and 20 KB are refused with 500', async () => {
    const sizes: Record<string, number> = { at: LIMIT, over: LIMIT + 1, '9k': 9 * 1024, '20k': 20 * 1024 };
    const { server, log } = await serverWith((request) => {
      const bytes = sizes[request.queryStringParameters?.case ?? ''] ?? 0;
      const result = sized(request.methodArn, bytes);
      expect(Buffer.byteLength(JSON.stringify(result))).toBe(bytes);
      return result;
    });
    const statuses: Record<string, number> = {};
    for (const which of Object.keys(sizes)) {
      statuses[which] = await handshakeStatus(server.port, server.domainName, server.stage, which);
    }
    expect(statuses).toEqual({ at: 101, over: 500, '9k': 500, '20k': 500 });
    expect(log.routeKeys().filter((k) => k === '$connect')).toHaveLength(1);
  });
});
