import { type LambdaContext, WebSocketApp, type WebSocketEvent } from '@wsapp/core';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayProxyWebsocketHandlerV2, Context } from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';

// Compile-time checks (run by `pnpm typecheck` and vitest's type-aware expectTypeOf): events and
// contexts typed with @types/aws-lambda are accepted without casts.
describe('@types/aws-lambda compatibility', () => {
  it('accepts APIGatewayProxyWebsocketEventV2 and the Lambda Context', () => {
    expectTypeOf<APIGatewayProxyWebsocketEventV2>().toExtend<WebSocketEvent>();
    expectTypeOf<Context>().toExtend<LambdaContext>();
  });

  it('app.handler() fits where an APIGatewayProxyWebsocketHandlerV2 is expected', () => {
    const handler = new WebSocketApp().handler();
    expectTypeOf(handler).parameter(0).toExtend<WebSocketEvent>();
    const asLambda = (event: APIGatewayProxyWebsocketEventV2, context: Context) => handler(event, context);
    expectTypeOf(asLambda).toExtend<APIGatewayProxyWebsocketHandlerV2>();
  });
});
