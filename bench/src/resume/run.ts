/**
 * Session resume after a backlog: a `@wsapp/client` with `session: true` drops out, `count`
 * messages are broadcast to its history channel while it is away (the channel keeps 10,000), every
 * management call is slowed to 20 ms, and the client reconnects. Measured: from the new client's
 * creation to its `resumed` event (every missed message emitted), the replay pages it asked for,
 * and that each message arrived exactly once, in order. On the memory store and on Redis (started
 * by `@wsapp/testing`) when available; one `@wsapp/local` emulator in this process.
 *
 *   node dist/resume/run.js [counts…]
 */
import { createClient } from '@wsapp/client';
import { type ConnectionStore, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { emitResult } from '../lib/child.js';
import { loadWorkspacePackage } from '../lib/workspace.js';

const counts = process.argv.slice(2).map(Number);
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const SECRET = 'bench-session-secret-of-at-least-32-bytes';

/** One backlog on one backend. */
export interface ResumeBenchRow {
  backend: string;
  /** Messages missed. */
  count: number;
  /** From the reconnecting client's creation to its `resumed` event, ms. */
  ms: number;
  /** Replay pages asked for. */
  pages: number;
  /** Every message once, in sequence order. */
  exactlyOnce: boolean;
}

/** What `resume/run.js` emits. */
export interface ResumeBenchResult {
  skipped?: string;
  rows: ResumeBenchRow[];
  notes: string[];
}

type Serve = (
  app: unknown,
  options: Record<string, unknown>,
) => Promise<{
  url: string;
  endpoint: string;
  connections: { size: number };
  faults: { inject(spec: { delayMs: number }): unknown };
  close(): Promise<void>;
}>;
const local = await loadWorkspacePackage<{ serve: Serve }>('local');
if (local === undefined) {
  emitResult({ skipped: '@wsapp/local is not built', rows: [], notes: [] } satisfies ResumeBenchResult);
  process.exit(0);
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 120_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measure(backend: string, store: ConnectionStore, count: number): Promise<ResumeBenchRow> {
  let pages = 0;
  const app = new WebSocketApp({
    store,
    logger: silent,
    history: { channels: ['room:*'], maxLength: 10_000, ttlSeconds: 3600 },
    sessions: { secret: SECRET },
  }).onConnect((ctx) => ctx.join('room:a'));
  app.use((ctx, next) => {
    if (ctx.routeKey === 'resume' && typeof (ctx.body as { replay?: unknown })?.replay === 'object') pages++;
    return next();
  });
  const server = await (local as { serve: Serve }).serve(app, {
    port: 0,
    logger: silent,
    authorizer: () => ({ principalId: 'bench' }),
  });
  try {
    let token: string | undefined;
    const storage = {
      get: () => token,
      set: (t: string) => {
        token = t;
      },
    };
    const first = createClient(server.url, { session: { storage }, heartbeat: false });
    await first.ready();
    first.close();
    await until(() => server.connections.size === 0, 'the first connection to close');
    // The backlog, broadcast by "Lambdas" 50 at a time while the client is away.
    for (let n = 1; n <= count; n += 50) {
      const batch = Array.from({ length: Math.min(50, count - n + 1) }, (_, k) => n + k);
      await Promise.all(
        batch.map((k) =>
          app.broadcast(
            { channels: ['room:a'] },
            { n: k, text: 'a chat message of some forty characters' },
            { endpoint: server.endpoint },
          ),
        ),
      );
    }
    server.faults.inject({ delayMs: 20 });
    const seqs: number[] = [];
    const started = performance.now();
    const back = createClient(server.url, { session: { storage }, heartbeat: false });
    back.on('message', (m) => seqs.push((m as { $seq: Record<string, number> }).$seq['room:a'] as number));
    const resumed = new Promise((resolve) => back.on('resumed', resolve));
    await resumed;
    const ms = performance.now() - started;
    back.close();
    const exactlyOnce = seqs.length === count && seqs.every((s, i) => s === i + 1);
    return { backend, count, ms, pages, exactlyOnce };
  } finally {
    await server.close();
  }
}

const rows: ResumeBenchRow[] = [];
const notes: string[] = [];
for (const count of counts) rows.push(await measure('memory', new MemoryConnectionStore(), count));

type Harness = { startRedis?: () => Promise<{ url: string; kind: string; stop(): Promise<void> }> };
const harness = (await loadWorkspacePackage<Harness>('testing')) ?? {};
const redisPkg = await loadWorkspacePackage<{
  RedisConnectionStore?: new (o: object) => ConnectionStore & { close(): Promise<void> };
}>('store-redis');
if (redisPkg?.RedisConnectionStore === undefined || harness.startRedis === undefined) {
  notes.push('Redis: skipped (@wsapp/store-redis or the harness not built)');
} else {
  const redis = await harness.startRedis();
  try {
    for (const count of counts) {
      const store = new redisPkg.RedisConnectionStore({
        url: redis.url,
        keyPrefix: `bench-resume-${count}:`,
      });
      try {
        rows.push(await measure(`Redis (${redis.kind})`, store, count));
      } finally {
        await store.close();
      }
    }
  } catch (error) {
    notes.push(`Redis: failed (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await redis.stop();
  }
}
emitResult({ rows, notes } satisfies ResumeBenchResult);
process.exit(0);
