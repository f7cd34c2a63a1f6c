import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type FanOutCheckpoints,
  fanOutWorker,
  Messenger,
  SLICE_DONE,
  type SliceReport,
  storeCheckpoints,
  WebSocketApp,
} from '@wsapp/core';
import { type SqsEventSource, sqsEventSource } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectionIdLike } from '@wsapp/testing';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { countFrames, openClients, settledStore, silentLogger, start } from '../helpers.js';
import { queues } from './queues.js';

// The app's own path ($connect joins the channel) with every socket in this process: each holds two
// descriptors here, so this file stays at 2,000; fan-out-sharded.integration.test.ts runs the
// 20,000-socket case over child processes.
const SOCKETS = 2000;
const GHOSTS = 100;
const CHANNEL = 'ticker#AMZN';

const sqsEnv = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: sqsEnv.endpoint,
  region: sqsEnv.region,
  credentials: sqsEnv.credentials,
});

/** An app whose clients join the ticker channel on $connect and learn their id with `whoami`. */
function tickerApp(store: MemoryConnectionStore) {
  return new WebSocketApp({ store, logger: silentLogger() })
    .onConnect((ctx) => ctx.join(CHANNEL))
    .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId);
}

/** Polls `check` every 100 ms until it holds, for at most `timeoutMs`. */
function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 90_000) {
  return vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});

/** Everything one fan-out run needs: emulator, sockets, ghosts, queue, and the workers' reports. */
async function setup(sockets = SOCKETS, visibility = 4) {
  // Ghosts dated a minute back: connections that lived before they went away (past the connect grace).
  const store = settledStore();
  const app = tickerApp(store);
  const server = await start(app);
  const opened = performance.now();
  const clients = await openClients(server.url, sockets, 200);
  const openMs = performance.now() - opened;
  const ghosts = Array.from({ length: GHOSTS }, () => connectionIdLike());
  for (const id of ghosts) await store.register(id, { channels: [CHANNEL], endpoint: server.endpoint });
  const counts = countFrames(clients);
  const { queueUrl, dlqUrl } = await queues(sqs, 3, visibility);
  const reports: SliceReport[] = [];
  const logger = { ...silentLogger(), info: (_m: string, report: SliceReport) => void reports.push(report) };
  const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });
  return {
    store,
    app,
    server,
    clients,
    counts,
    ghosts,
    queueUrl,
    dlqUrl,
    reports,
    logger,
    messenger,
    openMs,
  };
}

async function allDone(checkpoints: FanOutCheckpoints, broadcastId: string, tasks: number) {
  const done = await Promise.all(
    Array.from({ length: tasks }, (_, n) => checkpoints.load(`${broadcastId}/0.${n}`)),
  );
  return done.every((value) => value === SLICE_DONE);
}

describe('fan-out over SQS (fauxqs) to real sockets on the emulator', { timeout: 180_000 }, () => {
  it(`${SOCKETS} sockets + ${GHOSTS} gone, 8 slices, 4 workers: each socket exactly once, gone removed`, async () => {
    const run = await setup(SOCKETS, 60);
    const started = performance.now();
    const result = await run.app.fanOut({ channels: [CHANNEL] }, (id) => ({ id, price: 187.3 }), {
      queueUrl: run.queueUrl,
      slices: 8,
      sqs,
    });
    expect(result.tasks).toBe(8);
    expect(result.batches).toBe(1); // 8 tasks fit one SendMessageBatch
    const worker = fanOutWorker({
      messenger: run.messenger,
      sqs,
      queueUrl: run.queueUrl,
      pageSize: 100,
      logger: run.logger,
    });
    sources.push(
      await sqsEventSource({
        sqs,
        queueUrl: run.queueUrl,
        handler: worker,
        batchSize: 1,
        maxConcurrency: 4,
        waitTimeSeconds: 1,
      }),
    );
    const checkpoints = storeCheckpoints(run.store);
    await until(() => allDone(checkpoints, result.broadcastId, result.tasks), 'every slice done');
    const elapsed = performance.now() - started;
    await until(() => [...run.counts.values()].every((n) => n >= 1), 'every socket reached', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const counts = [...run.counts.values()];
    expect(counts.filter((n) => n === 1).length).toBe(SOCKETS);
    const sum = (key: 'attempted' | 'delivered' | 'gone') => run.reports.reduce((s, r) => s + r[key], 0);
    expect(sum('delivered')).toBe(SOCKETS);
    expect(sum('gone')).toBe(GHOSTS);
    expect(sum('attempted')).toBe(SOCKETS + GHOSTS);
    for (const id of run.ghosts) expect(await run.store.get(id)).toBeUndefined();
    expect(new Set(run.reports.map((r) => r.broadcastId))).toEqual(new Set([result.broadcastId]));
    expect(run.server.stats.count({ method: 'POST', status: 200 })).toBe(SOCKETS);
    console.info(
      `[fan-out] ${SOCKETS} sockets opened in ${Math.round(run.openMs)} ms; 8 slices through 4 workers in ${Math.round(elapsed)} ms (${Math.round((SOCKETS + GHOSTS) / (elapsed / 1000))} calls/s)`,
    );
  });

  it('a worker killed right after a checkpoint: its record is redelivered and resumes, no duplicate, no loss', async () => {
    const run = await setup(600, 12);
    const real = storeCheckpoints(run.store);
    let saves = 0;
    let killed = false;
    // The first worker "dies" at its 2nd checkpoint: the invocation never returns (Lambda would
    // time it out), so SQS redelivers the record after its visibility timeout.
    const dying: FanOutCheckpoints = {
      load: (key) => real.load(key),
      async save(key, value) {
        await real.save(key, value);
        if (!killed && ++saves === 2) {
          killed = true;
          await new Promise(() => {});
        }
      },
    };
    const result = await run.app.fanOut(
      { channels: [CHANNEL] },
      { price: 1 },
      { queueUrl: run.queueUrl, slices: 2, sqs },
    );
    const worker = fanOutWorker({
      messenger: run.messenger,
      checkpoints: dying,
      pageSize: 50,
      logger: run.logger,
      sqs,
    });
    const source = await sqsEventSource({
      sqs,
      queueUrl: run.queueUrl,
      handler: worker,
      batchSize: 1,
      maxConcurrency: 2,
      timeoutMs: 10_000,
    });
    sources.push(source);
    await until(() => allDone(real, result.broadcastId, result.tasks), 'every slice done');
    await new Promise((r) => setTimeout(r, 300));
    expect(killed).toBe(true);
    expect(source.stats.failedInvocations).toBe(1);
    expect(run.reports.some((r) => r.resumed)).toBe(true);
    expect([...run.counts.values()].every((n) => n === 1)).toBe(true);
    for (const id of run.ghosts) expect(await run.store.get(id)).toBeUndefined();
  });

  it('killed between a page and its checkpoint: only that page is sent again (at-least-once bound)', async () => {
    const run = await setup(400, 12);
    const real = storeCheckpoints(run.store);
    let saves = 0;
    let killed = false;
    const dying: FanOutCheckpoints = {
      load: (key) => real.load(key),
      async save(key, value) {
        if (!killed && ++saves === 2) {
          killed = true;
          await new Promise(() => {}); // dies before recording the page it just sent
        }
        await real.save(key, value);
      },
    };
    const result = await run.app.fanOut(
      { channels: [CHANNEL] },
      { price: 2 },
      { queueUrl: run.queueUrl, slices: 1, sqs },
    );
    const worker = fanOutWorker({
      messenger: run.messenger,
      checkpoints: dying,
      pageSize: 50,
      logger: run.logger,
      sqs,
    });
    sources.push(
      await sqsEventSource({ sqs, queueUrl: run.queueUrl, handler: worker, batchSize: 1, timeoutMs: 10_000 }),
    );
    await until(() => allDone(real, result.broadcastId, result.tasks), 'the slice done');
    await new Promise((r) => setTimeout(r, 300));
    const counts = [...run.counts.values()];
    expect(counts.every((n) => n >= 1)).toBe(true); // no loss
    const twice = counts.filter((n) => n === 2).length;
    expect(counts.every((n) => n <= 2)).toBe(true);
    expect(twice).toBeGreaterThan(0);
    expect(twice).toBeLessThanOrEqual(50); // one page
    console.info(
      `[fan-out] kill before the checkpoint: ${twice} of ${counts.length} sockets got the page twice`,
    );
  });

  it('when time runs short the remainder is re-enqueued and finished by later invocations', async () => {
    const run = await setup(300);
    // 300 ms per call: a page of 60 (50 in flight) takes ~600 ms whatever the transport's speed,
    // so the page budget, not the machine, decides how many pages an invocation delivers.
    run.server.faults.inject({ delayMs: 300 });
    const result = await run.app.fanOut(
      { channels: [CHANNEL] },
      { price: 3 },
      { queueUrl: run.queueUrl, slices: 1, sqs },
    );
    // 3 s per invocation and a 2.5 s page budget: each invocation delivers about one page.
    const worker = fanOutWorker({
      messenger: run.messenger,
      pageSize: 60,
      pageBudgetMs: 2500,
      queueUrl: run.queueUrl,
      logger: run.logger,
      sqs,
    });
    sources.push(
      await sqsEventSource({ sqs, queueUrl: run.queueUrl, handler: worker, batchSize: 1, timeoutMs: 3000 }),
    );
    await until(() => allDone(storeCheckpoints(run.store), result.broadcastId, 1), 'the slice done');
    await new Promise((r) => setTimeout(r, 300));
    expect(run.reports.filter((r) => r.requeued).length).toBeGreaterThanOrEqual(2);
    expect([...run.counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('connections a page deadline cut off are re-enqueued by id: none lost, none twice', async () => {
    const run = await setup(120, 12);
    // 300 ms per call, 10 in flight: the one page of 120 needs ~3.6 s, but the deadline (6 s
    // invocation, 3 s margin) comes at 3 s: the cut-off connections get a task of their own. The
    // wide margin leaves the re-enqueue and checkpoint time to finish on a loaded machine: an
    // invocation that timed out would be redelivered and resend its page (at least once, by design).
    run.server.faults.inject({ delayMs: 300 });
    const messenger = new Messenger({
      store: run.store,
      endpoint: run.server.endpoint,
      concurrency: 10,
      deadlineMarginMs: 3000,
      logger: silentLogger(),
    });
    const result = await run.app.fanOut(
      { channels: [CHANNEL] },
      { price: 4 },
      { queueUrl: run.queueUrl, slices: 1, sqs },
    );
    const worker = fanOutWorker({
      messenger,
      pageSize: 120,
      pageBudgetMs: 500,
      queueUrl: run.queueUrl,
      logger: run.logger,
      sqs,
    });
    sources.push(
      await sqsEventSource({ sqs, queueUrl: run.queueUrl, handler: worker, batchSize: 1, timeoutMs: 6000 }),
    );
    await until(() => allDone(storeCheckpoints(run.store), result.broadcastId, 1), 'the slice done');
    await until(() => [...run.counts.values()].every((n) => n >= 1), 'every socket reached', 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(run.reports.some((r) => r.requeued)).toBe(true);
    expect([...run.counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('a malformed task is answered in batchItemFailures and lands in the DLQ after maxReceiveCount', async () => {
    const store = new MemoryConnectionStore();
    const { queueUrl, dlqUrl } = await queues(sqs, 2, 1);
    const messenger = new Messenger({ store, endpoint: 'http://127.0.0.1:9/x', logger: silentLogger() });
    const worker = fanOutWorker({ messenger, logger: silentLogger(), sqs });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not a task' }));
    const source = await sqsEventSource({ sqs, queueUrl, handler: worker, batchSize: 5 });
    sources.push(source);
    let dead: string | undefined;
    await until(
      async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
        dead = out.Messages?.[0]?.Body;
        return dead !== undefined;
      },
      'the DLQ message',
      30_000,
    );
    expect(dead).toBe('not a task');
    expect(source.stats.records).toBe(2);
    expect(source.stats.retried).toBe(2);
    expect(source.stats.deleted).toBe(0);
  });
});
