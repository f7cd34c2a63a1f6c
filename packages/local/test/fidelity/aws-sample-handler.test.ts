import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayProxyWebsocketHandlerV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { connect, start } from '../helpers.js';

// A handler written the way AWS's samples write them: one function, a switch on
// requestContext.routeKey, connections kept by the function, replies pushed through the
// management API at https://{domainName}/{stage} (http:// on loopback, see the README), and
// `{ statusCode, body }` answers that API Gateway drops on one-way routes.
const connections = new Set<string>();

function callbackUrl(event: APIGatewayProxyWebsocketEventV2): string {
  const { domainName, stage } = event.requestContext;
  const scheme = domainName.startsWith('127.0.0.1') ? 'http' : 'https';
  return `${scheme}://${domainName}/${stage}`;
}

const handler: APIGatewayProxyWebsocketHandlerV2 = async (event) => {
  const connectionId = event.requestContext.connectionId;
  const routeKey = event.requestContext.routeKey;
  const client = new ApiGatewayManagementApiClient({
    endpoint: callbackUrl(event),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  switch (routeKey) {
    case '$connect':
      connections.add(connectionId);
      return { statusCode: 200, body: 'Connected.' };
    case '$disconnect':
      connections.delete(connectionId);
      return { statusCode: 200, body: 'Disconnected.' };
    case 'sendmessage': {
      const postData = (JSON.parse(event.body ?? '{}') as { data?: string }).data ?? '';
      for (const id of connections) {
        try {
          await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: postData }));
        } catch (e) {
          if (e instanceof GoneException) connections.delete(id);
          else throw e;
        }
      }
      return { statusCode: 200, body: 'Data sent.' };
    }
    case 'whoami':
      return { statusCode: 200, body: connectionId };
    default:
      return { statusCode: 400, body: 'Unknown route.' };
  }
};

describe('a handler in the style of AWS’s samples', () => {
  it('clients receive exactly the pushed frames, plus replies of the two-way route only', async () => {
    connections.clear();
    const server = await start(handler, {
      routes: ['$default', 'sendmessage', 'whoami'],
      twoWayRoutes: ['whoami'],
    });
    const alice = await connect(server.url);
    const bob = await connect(server.url);
    alice.send({ action: 'sendmessage', data: 'hello everyone' });
    alice.send('{"action":"unknown"}'); // $default, one-way: its 400 is dropped
    alice.send({ action: 'sendmessage', data: 'second' });
    alice.send({ action: 'whoami' });
    // Frame by frame, with nothing in between: the pushes in order, then the two-way reply.
    expect(await alice.text()).toBe('hello everyone');
    expect(await alice.text()).toBe('second');
    const aliceId = await alice.text();
    expect(server.connections.has(aliceId)).toBe(true);
    expect(await bob.text()).toBe('hello everyone');
    expect(await bob.text()).toBe('second');
    bob.send({ action: 'whoami' });
    const bobId = await bob.text();
    expect(bobId).not.toBe(aliceId);

    // Bob leaves; Alice's next broadcast meets his GoneException, and only Alice gets a frame.
    bob.ws.close();
    await bob.closed;
    await expect.poll(() => connections.size).toBe(1);
    alice.send({ action: 'sendmessage', data: 'third' });
    expect(await alice.text()).toBe('third');
    alice.send({ action: 'whoami' });
    expect(await alice.text()).toBe(aliceId);
    expect(server.stats.count({ method: 'POST', status: 200 })).toBe(5);
  });
});
