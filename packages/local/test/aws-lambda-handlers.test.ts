import type { APIGatewayProxyWebsocketHandlerV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { connect, start } from './helpers.js';

// Handlers typed with @types/aws-lambda are accepted by serve() without casts (checked by `pnpm
// typecheck`), and run: a callback-style handler too.
describe('@types/aws-lambda handlers', () => {
  it('serves an APIGatewayProxyWebsocketHandlerV2', async () => {
    const handler: APIGatewayProxyWebsocketHandlerV2 = async (event) => {
      if (event.requestContext.routeKey !== '$default') return { statusCode: 200 };
      return { statusCode: 200, body: `got ${event.body}` };
    };
    const server = await start(handler, { twoWayRoutes: ['$default'] });
    const client = await connect(server.url);
    client.send('hello');
    expect(await client.text()).toBe('got hello');
  });

  it('serves a callback-style handler', async () => {
    const handler: APIGatewayProxyWebsocketHandlerV2 = (event, _context, callback) => {
      callback(null, { statusCode: 200, body: event.requestContext.eventType });
    };
    const server = await start(handler, { twoWayRoutes: ['$default'] });
    const client = await connect(server.url);
    client.send('x');
    expect(await client.text()).toBe('MESSAGE');
  });
});
