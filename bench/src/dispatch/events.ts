import type { LambdaContext, WebSocketEvent } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';

const TICKERS = ['AMZN', 'MSFT', 'AAPL', 'GOOG', 'NVDA', 'TSLA'];

/**
 * One connection's life as API Gateway delivers it: `$connect` (with an authorizer context),
 * 3 `subscribe` (schema-validated), 4 `ping`, 1 unknown action (`$default`), `$disconnect`.
 * 10 events; 8 of them carry a JSON body.
 */
export function session(n: number): WebSocketEvent[] {
  const connectionId = `c${n.toString(36).padStart(14, '0')}=`;
  const base = { connectionId, authorizer: { principalId: `user-${n}` } };
  const events: WebSocketEvent[] = [connectEvent(base)];
  for (let i = 0; i < 3; i++) {
    events.push(messageEvent({ action: 'subscribe', ticker: TICKERS[(n + i) % TICKERS.length] }, base));
  }
  for (let i = 0; i < 4; i++) events.push(messageEvent({ action: 'ping', seq: i }, base));
  events.push(messageEvent({ action: 'order', qty: 1 }, { ...base, routeKey: '$default' }));
  events.push(disconnectEvent(base));
  return events;
}

export function workload(sessions: number): WebSocketEvent[] {
  const events: WebSocketEvent[] = [];
  for (let n = 0; n < sessions; n++) events.push(...session(n));
  return events;
}

/** Fresh top-level event objects (some contenders replace `event.body` in place), made outside timing. */
export function cloneEvents(events: readonly WebSocketEvent[]): WebSocketEvent[] {
  return events.map((e) => ({ ...e }));
}

export function lambdaContext(): LambdaContext & Record<string, unknown> {
  return {
    awsRequestId: 'bench-request',
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 29_000,
  };
}
