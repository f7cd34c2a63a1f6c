import { fileURLToPath } from 'node:url';
import { WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WsappWebSocketApi, type WsappWebSocketApiProps } from '../src/index.js';

export const ENTRY = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));

/** An app like a user's: two two-way routes, one one-way route, a two-way $default. */
export function sampleApp() {
  const app = new WebSocketApp({ store: new MemoryConnectionStore() });
  app.route('join', { twoWay: true }, () => ({ ok: true }));
  app.route('say', { twoWay: true }, () => ({ ok: true }));
  app.route('typing', () => undefined);
  app.onDefault({ twoWay: true }, () => ({ error: 'unknown action' }));
  return app;
}

/** Synthesizes one stack holding the construct; bundling skipped (no esbuild run per test). */
export function synth(
  props: Partial<WsappWebSocketApiProps> = {},
  configure?: (stack: Stack) => Partial<WsappWebSocketApiProps>,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const construct = new WsappWebSocketApi(stack, 'Chat', {
    routes: sampleApp(),
    entry: ENTRY,
    ...props,
    ...configure?.(stack),
  });
  return { app, stack, construct, template: Template.fromStack(stack) };
}
