/**
 * Dispatch overhead per event, in one process: wsapp vs a hand-written switch vs Middy, the same
 * workload, interleaved rounds (the order rotates every round), median ns/event per contender.
 *
 *   node dist/dispatch/run.js [rounds] [sessionsPerBatch] [only|all] [full|bare]
 *
 * `full` (default): middleware, a schema, JSON bodies (events.ts). `bare`: routing alone (bare.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { emitResult } from '../lib/child.js';
import { median, rotate, spreadPercent } from '../lib/stats.js';
import { bareWorkload, createBareSwitchHandler, createBareWsappHandler } from './bare.js';
import { cloneEvents, lambdaContext, workload } from './events.js';
import { createMiddyHandler } from './middy-handler.js';
import { sink } from './shared.js';
import { createSwitchHandler } from './switch-handler.js';
import { createWsappHandler } from './wsapp-app.js';

type Handler = (event: WebSocketEvent, context: LambdaContext) => Promise<WebSocketResponse>;

const rounds = Number(process.argv[2] ?? 40);
const sessions = Number(process.argv[3] ?? 200);
const only = process.argv[4] === 'all' ? undefined : process.argv[4];
const bare = process.argv[5] === 'bare';

const contenders: Array<{ name: string; handler: Handler }> = (
  bare
    ? [
        { name: 'wsapp', handler: createBareWsappHandler() as Handler },
        { name: 'switch', handler: createBareSwitchHandler() as Handler },
      ]
    : [
        { name: 'wsapp', handler: createWsappHandler() as Handler },
        { name: 'switch', handler: createSwitchHandler() as Handler },
        { name: 'middy', handler: createMiddyHandler() as unknown as Handler },
      ]
).filter((c) => only === undefined || c.name === only);

const events = bare ? bareWorkload(sessions) : workload(sessions);
const context = lambdaContext();

function normalise(r: WebSocketResponse): unknown {
  return { statusCode: r.statusCode, body: r.body === undefined ? undefined : JSON.parse(r.body) };
}

// Same answers from every contender, or the comparison means nothing.
const reference = contenders[0] as (typeof contenders)[number];
for (const event of events.slice(0, 10)) {
  const expected = normalise(await reference.handler({ ...event }, context));
  for (const c of contenders) {
    const got = normalise(await c.handler({ ...event }, context));
    if (!isDeepStrictEqual(got, expected)) {
      throw new Error(
        `${c.name} answered ${JSON.stringify(got)} where ${reference.name} answered ${JSON.stringify(expected)} ` +
          `for ${event.requestContext.routeKey}`,
      );
    }
  }
}

/**
 * Runs a batch; answers [CPU ns/event, wall ns/event]. CPU time (user + system of this process)
 * leaves out the time the process waited for a core on this shared machine.
 */
async function batch(handler: Handler, input: WebSocketEvent[]): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const event of input) await handler(event, context);
  const wall = Number(process.hrtime.bigint() - started);
  const used = process.cpuUsage(cpu);
  return [((used.user + used.system) * 1000) / input.length, wall / input.length];
}

// Warm-up: let every contender reach its optimised tier.
for (let i = 0; i < 6; i++) for (const c of contenders) await batch(c.handler, cloneEvents(events));

const cpuSamples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
const wallSamples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const c of rotate(contenders, round)) {
    const input = cloneEvents(events);
    const [cpu, wall] = await batch(c.handler, input);
    cpuSamples.get(c.name)?.push(cpu);
    wallSamples.get(c.name)?.push(wall);
  }
}

emitResult({
  eventsPerBatch: events.length,
  rounds,
  sinkCalls: sink.calls,
  contenders: contenders.map((c) => {
    const cpu = cpuSamples.get(c.name) ?? [];
    const wall = wallSamples.get(c.name) ?? [];
    return {
      name: c.name,
      cpuNsPerEvent: median(cpu),
      cpuSpreadPercent: spreadPercent(cpu),
      wallNsPerEvent: median(wall),
      wallSpreadPercent: spreadPercent(wall),
    };
  }),
});
