import { request } from 'node:http';
import type { WebSocketEvent } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { connect, EventLog, Rejected, start } from '../helpers.js';
import { BOTH_GONE, managementClients } from './clients.js';

async function rejection(url: string): Promise<Rejected> {
  const error = await connect(url).then(
    () => new Error('the upgrade was accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof Rejected)) throw error;
  return error;
}

describe('$connect answers', () => {
  it('an integration that throws answers 502; a returned status is answered as is', async () => {
    const log = new EventLog();
    const server = await start(async (event: WebSocketEvent) => {
      log.record(event);
      if (event.requestContext.routeKey !== '$connect') return { statusCode: 200 };
      const mode = event.queryStringParameters?.mode;
      if (mode === 'throw') throw new Error('crashed');
      if (mode === 'reject') return Promise.reject('not even an Error');
      if (mode === 'status') return { statusCode: 403, body: 'go away' };
      return { statusCode: 200 };
    });
    const clients = managementClients(server.endpoint);
    for (const mode of ['throw', 'reject']) {
      const rejected = await rejection(`${server.url}?mode=${mode}`);
      expect(rejected.status).toBe(502);
      expect(JSON.parse(rejected.body)).toEqual({ message: 'Internal server error' });
    }
    const refused = await rejection(`${server.url}?mode=status`);
    expect([refused.status, refused.body]).toEqual([403, 'go away']);
    // Nobody is reachable, and no $disconnect for connections that never opened.
    for (const event of log.events) {
      expect(await clients.post(event.requestContext.connectionId, 'x')).toEqual(BOTH_GONE);
    }
    expect(log.routeKeys()).toEqual(['$connect', '$connect', '$connect']);
  });

  it('authorizer: unexpected error 500, "Unauthorized" 401, Deny 403, Allow with context', async () => {
    const log = new EventLog();
    const server = await start(
      async (event: WebSocketEvent) => {
        log.record(event);
        return { statusCode: 200 };
      },
      {
        authorizer: (request) => {
          const who = request.queryStringParameters?.who;
          if (who === 'broken') throw new TypeError('cannot read properties of undefined');
          if (who === 'nobody') throw new Error('Unauthorized');
          const effect = who === 'mallory' ? 'Deny' : 'Allow';
          return {
            principalId: who ?? 'anonymous',
            policyDocument: {
              Version: '2012-10-17',
              Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: request.methodArn }],
            },
            context: { tier: 'gold' },
          };
        },
      },
    );
    const answers = [];
    for (const who of ['broken', 'nobody', 'mallory']) {
      const r = await rejection(`${server.url}?who=${who}`);
      answers.push([r.status, JSON.parse(r.body)]);
    }
    expect(answers).toEqual([
      [500, { message: 'Internal server error' }],
      [401, { message: 'Unauthorized' }],
      [403, { message: 'Forbidden' }],
    ]);
    expect(log.events).toEqual([]); // the integration never ran for a refused connection
    const client = await connect(`${server.url}?who=ada`);
    const connectEvent = await log.waitFor('$connect');
    expect(connectEvent.requestContext.authorizer).toEqual({ principalId: 'ada', tier: 'gold' });
    const id = connectEvent.requestContext.connectionId;
    const [sdk, fetched] = await managementClients(server.endpoint).get(id);
    expect([sdk?.status, fetched?.status]).toEqual([200, 200]);
    client.ws.close();
  });

  it('a plain GET on the WebSocket path answers 426; the management API still works', async () => {
    const server = await start(async () => ({ statusCode: 200 }));
    for (const path of [`/${server.stage}`, `/${server.stage}/`, `/${server.stage}?x=1`]) {
      const res = await fetch(`http://${server.domainName}${path}`);
      expect(res.status).toBe(426);
      await res.arrayBuffer();
    }
    // An upgrade header that is not websocket is not an upgrade either.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.endpoint}`, { headers: { connection: 'upgrade', upgrade: 'h2c' } });
      req.once('response', (res) => resolve(res.statusCode ?? 0));
      req.once('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(426);
    expect(await managementClients(server.endpoint).get('AAAAAAAAAAAAAAA=')).toEqual(BOTH_GONE);
  });
});
