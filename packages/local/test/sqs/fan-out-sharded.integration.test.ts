import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type FanOutCheckpoints,
  fanOutWorker,
  Messenger,
  SLICE_DONE,
  type SliceReport,
  storeCheckpoints,
} from '@wsapp/core';
import { type SqsEventSource, sqsEventSource } from '@wsapp/local';
import { connectionIdLike } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { settledStore, silentLogger } from '../helpers.js';
import { queues } from './queues.js';
import { type Shards, startShards } from './shards/index.js';

// The scale. Sockets live in child processes (see shards/index.ts: one process cannot hold
// both ends of 20,000 sockets under the 20,000 open-files limit); WSAPP_FANOUT_SOCKETS lowers it.
const SOCKETS = Number(process.env.WSAPP_FANOUT_SOCKETS ?? 20_000);
const GHOSTS = 100;
const SLICES = 8;
const WORKERS = 4;
// Pages of 100 (a checkpoint each) and a 3 s page budget in an 8 s invocation: even on a loaded
// machine a page ends well before the deadline, so the only failed invocation is the killed one
// (an invocation past its timeout would go on running here, where Lambda would stop it).
const PAGE = 100;
const BUDGET_MS = 3000;
const TIMEOUT_MS = 8000;
const CHANNEL = 'ticker#AMZN';
/** The slice whose worker dies, and at which of its checkpoints. */
const KILLED_SLICE = '0.3';
const KILLED_AT_SAVE = 3;

const sqsEnv = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: sqsEnv.endpoint,
  region: sqsEnv.region,
  credentials: sqsEnv.credentials,
});

let shards: Shards;
let openMs = 0;
const sources: SqsEventSource[] = [];
beforeAll(async () => {
  const started = performance.now();
  shards = await startShards(SOCKETS);
  openMs = performance.now() - started;
}, 90_000);
afterAll(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  shards?.stop();
});

describe('fan-out over SQS (fauxqs) to real sockets in child processes', () => {
  it(`${SOCKETS} sockets + ${GHOSTS} gone, ${SLICES} slices, ${WORKERS} workers, one killed mid-slice: each socket exactly once, gone removed`, {
    timeout: 60_000,
  }, async () => {
    // Records dated a minute back: ghosts that lived before they went away (past the connect grace).
    const store = settledStore();
    const ghosts = Array.from({ length: GHOSTS }, () => connectionIdLike());
    // Gone connections interleaved with the live ones (members are sliced in join order), so
    // several slices meet some, the killed one included.
    const live = shards.shards.flatMap((s) => s.ids.map((id) => ({ id, endpoint: s.endpoint })));
    const every = Math.floor(live.length / GHOSTS);
    for (const [n, member] of live.entries()) {
      await store.register(member.id, { channels: [CHANNEL], endpoint: member.endpoint });
      const ghost = n % every === 0 ? ghosts[n / every] : undefined;
      if (ghost !== undefined)
        await store.register(ghost, { channels: [CHANNEL], endpoint: member.endpoint });
    }
    expect(shards.shards.reduce((n, s) => n + s.ids.length, 0)).toBe(SOCKETS);

    // Visibility 2 s above the invocation timeout, as Lambda requires: the killed record comes back once.
    const { queueUrl } = await queues(sqs, 3, TIMEOUT_MS / 1000 + 2);
    const messenger = new Messenger({ store, logger: silentLogger() });
    const started = performance.now();
    const result = await messenger.fanOut({ channels: [CHANNEL] }, (id) => ({ id, price: 187.3 }), {
      queueUrl,
      slices: SLICES,
      sqs,
    });
    expect(result.tasks).toBe(SLICES);

    // The worker of one slice dies right after a checkpoint: the invocation never returns (as a
    // Lambda killed there), so SQS redelivers its record after the visibility timeout.
    const real = storeCheckpoints(store);
    let saves = 0;
    let killed = false;
    const dying: FanOutCheckpoints = {
      load: (key) => real.load(key),
      async save(key, value) {
        await real.save(key, value);
        if (!killed && key.endsWith(`/${KILLED_SLICE}`) && ++saves === KILLED_AT_SAVE) {
          killed = true;
          await new Promise(() => {});
        }
      },
    };
    const reports: SliceReport[] = [];
    const worker = fanOutWorker({
      messenger,
      checkpoints: dying,
      sqs,
      queueUrl,
      pageSize: PAGE,
      pageBudgetMs: BUDGET_MS,
      logger: { ...silentLogger(), info: (_m: string, report: SliceReport) => void reports.push(report) },
    });
    const source = await sqsEventSource({
      sqs,
      queueUrl,
      handler: worker,
      batchSize: 1,
      maxConcurrency: WORKERS,
      timeoutMs: TIMEOUT_MS,
      waitTimeSeconds: 1,
    });
    sources.push(source);

    const keys = Array.from({ length: SLICES }, (_, n) => `${result.broadcastId}/0.${n}`);
    await vi.waitFor(
      async () => {
        const done = await Promise.all(keys.map((key) => real.load(key)));
        expect(done.every((value) => value === SLICE_DONE)).toBe(true);
      },
      { timeout: 45_000, interval: 200 },
    );
    const elapsed = performance.now() - started;
    // Every frame the emulators accepted has reached its socket: nothing is still on the way.
    await vi.waitFor(
      async () => {
        const frames = Object.entries(await shards.frames());
        const received = frames.reduce((sum, [perSocket, sockets]) => sum + Number(perSocket) * sockets, 0);
        expect(received).toBe((await shards.stats()).posted);
      },
      { timeout: 10_000, interval: 100 },
    );

    expect(killed).toBe(true);
    expect(source.stats.failedInvocations).toBe(1);
    expect(reports.some((r) => r.slice === KILLED_SLICE && r.resumed)).toBe(true);
    // Every socket exactly once: no duplicate (the resumed slice skipped its checkpointed pages), no loss.
    expect(await shards.frames()).toEqual({ 1: SOCKETS });
    const stats = await shards.stats();
    expect(stats.posted).toBe(SOCKETS);
    // Each gone connection was tried once, answered 410 and removed from the store and channel.
    expect(stats.gone).toBe(GHOSTS);
    for (const id of ghosts) expect(await store.get(id)).toBeUndefined();
    const members = new Set<string>();
    for await (const id of store.allMembers(CHANNEL)) members.add(id);
    expect(members.size).toBe(SOCKETS);
    expect(ghosts.some((id) => members.has(id))).toBe(false);
    console.info(
      `[fan-out] ${SOCKETS} sockets in ${shards.shards.length} emulator + ${shards.shards.length} client processes opened in ${Math.round(openMs)} ms; ` +
        `${SLICES} slices through ${WORKERS} workers (one killed, redelivered after ${TIMEOUT_MS / 1000 + 2} s) in ${Math.round(elapsed)} ms`,
    );
  });
});
