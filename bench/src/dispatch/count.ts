/**
 * A fixed, deterministic dispatch workload for instruction counting under
 * `valgrind --tool=callgrind`: `count.js <contender> <warmEvents> <events>`. Two runs that differ
 * only in `events` give instructions per event by difference (start-up and JIT warm-up cancel out).
 */
import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { cloneEvents, lambdaContext, workload } from './events.js';
import { createMiddyHandler } from './middy-handler.js';
import { createSwitchHandler } from './switch-handler.js';
import { createWsappHandler } from './wsapp-app.js';

type Handler = (event: WebSocketEvent, context: LambdaContext) => Promise<WebSocketResponse>;

const factories: Record<string, () => Handler> = {
  wsapp: () => createWsappHandler() as Handler,
  switch: () => createSwitchHandler() as Handler,
  middy: () => createMiddyHandler() as unknown as Handler,
};

const [name = 'wsapp', warm = '20000', measured = '10000'] = process.argv.slice(2);
const factory = factories[name];
if (factory === undefined) throw new Error(`unknown contender ${name}`);
const handler = factory();
const context = lambdaContext();
const template = workload(100); // 1,000 events

async function run(count: number): Promise<void> {
  for (let done = 0; done < count; done += template.length) {
    for (const event of cloneEvents(template)) await handler(event, context);
  }
}

await run(Number(warm));
await run(Number(measured));
