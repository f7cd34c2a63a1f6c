import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOp,
  describeOp,
  linearisations,
  type ModelOp,
  type ModelOutcome,
  type ModelState,
  runOp,
} from '../model/connection-model.js';
import type { SuiteContext } from '../suite-context.js';

const DEFAULT_RUNS = 40;
const DEFAULT_SEED = 15_2026;
/** Each model test starts no new run after this long, so slow backends stay bounded in `pnpm test`. */
const DEFAULT_TIME_LIMIT_MS = 45_000;
const SMALL = Array.from({ length: 8 }, (_, n) => `s${n}`);
const BIG = Array.from({ length: 150 }, (_, n) => `b${n}`);

/** Channel tokens: a few of the 8 small channels, or the first 101–150 of the big pool (+ small ones). */
const channelList = fc.oneof(
  { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...SMALL), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 101, max: 150 }), fc.uniqueArray(fc.constantFrom(...SMALL), { maxLength: 2 }))
      .map(([n, small]) => [...BIG.slice(0, n), ...small]),
  },
);
const bigList = fc.integer({ min: 101, max: 150 }).map((n) => BIG.slice(0, n));
const dataKey = fc.constantFrom('a', 'b', 'c');
const data = fc.dictionary(dataKey, fc.integer({ min: 0, max: 9 }), { maxKeys: 2 });
const patch = fc.dictionary(
  dataKey,
  fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 4 })),
  {
    minKeys: 1,
    maxKeys: 2,
  },
);

function opArb(
  connections: number,
  channels: fc.Arbitrary<string[]>,
  withData: boolean,
): fc.Arbitrary<ModelOp> {
  const id = fc.integer({ min: 0, max: connections - 1 });
  const arbitraries: Array<fc.WeightedArbitrary<ModelOp>> = [
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('register' as const), id, channels, data }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('join' as const), id, channels }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('leave' as const), id, channels }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('setChannels' as const), id, channels }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unregister' as const), id }) },
  ];
  if (withData) {
    arbitraries.push(
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('update' as const), id, patch }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch' as const), id }) },
    );
  }
  return fc.oneof(...arbitraries);
}

/**
 * Model-based concurrent runs (fast-check, seeded and bounded): random batches of concurrent
 * register/join/leave/setChannels/update/touch/unregister calls on 1–3 connections, some naming
 * 101–150 channels, compared after every batch with a model over every order the batch could
 * have run in (any linearisation is accepted). After every batch: each record, every `members()`
 * list and every membership the backend holds (backdoor reads, when the adapter gives them)
 * agree with one model state; at the end of each run every connection is unregistered and
 * nothing of it may be left. Runs: `modelRuns` (default 40) or `WSAPP_MODEL_RUNS`, no new run
 * after `modelTimeLimitMs` (default 45 s) or `WSAPP_MODEL_TIME_LIMIT_MS`; seed: `modelSeed` or
 * `WSAPP_MODEL_SEED`.
 */
export function modelConcurrencyGroup(ctx: SuiteContext): void {
  const runs = Number(process.env.WSAPP_MODEL_RUNS ?? ctx.options.modelRuns ?? DEFAULT_RUNS);
  const seed = Number(process.env.WSAPP_MODEL_SEED ?? ctx.options.modelSeed ?? DEFAULT_SEED);
  const timeLimitMs = Number(
    process.env.WSAPP_MODEL_TIME_LIMIT_MS ?? ctx.options.modelTimeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
  );
  const tolerateOrphans = ctx.options.membersVerifiedAgainstRecords === true;
  let run = 0;
  /** Index entries whose record does not list them, seen (and tolerated) in backdoor reads. */
  let orphans = 0;

  /** A membership the backend holds that its record does not list: fatal, or counted when tolerated. */
  const orphan = (what: string, expiresAt: number | undefined, fail: (what: string) => never) => {
    if (!tolerateOrphans || expiresAt === undefined) fail(what);
    orphans++;
  };

  /** Runs one generated sequence of batches against the store, checking after each batch. */
  const execute = async (connections: number, batches: ModelOp[][]) => {
    run++;
    // This run's own number: `run` moves on when the next run starts.
    const me = run;
    const ids = Array.from({ length: connections }, (_, n) => ctx.id(`r${me}n${n}`));
    const name = (token: string) => ctx.channel(`r${me}${token}`);
    const universe = [...SMALL, ...BIG];
    // After each batch: the small channels and big ones around every list length (101–150);
    // after each run: every channel.
    const sampled = [...SMALL, 'b0', 'b100', 'b110', 'b120', 'b130', 'b140', 'b149'];
    const history: string[] = [];
    let state: ModelState = ids.map(() => undefined);

    const fail = (what: string): never => {
      throw new Error(`${what}\nafter batches (concurrent calls → outcomes):\n${history.join('\n')}`);
    };

    /** Compares the store with the candidate states; answers the one it matches. */
    const observe = async (candidates: ModelState[], tokens: readonly string[]): Promise<ModelState> => {
      const records = await Promise.all(ids.map((cid) => ctx.store.get(cid)));
      const actual = records.map((r) =>
        r === undefined ? 'none' : JSON.stringify([[...r.channels].sort(), sortKeys(r.data)]),
      );
      const match = candidates.find((c) =>
        c.every((conn, n) =>
          conn === undefined
            ? actual[n] === 'none'
            : actual[n] === JSON.stringify([[...conn.channels].sort(), sortKeys(conn.data)]),
        ),
      );
      if (match === undefined) {
        fail(
          `records match no order of the batch: ${actual.map((a, n) => `#${n} ${abbreviate(a)}`).join('; ')}`,
        );
      }
      const model = match!;
      const now = ctx.nowSeconds();
      for (const token of tokens) {
        const ch = name(token);
        const expected = ids.filter((_, n) => model[n]?.channels.has(ch)).sort();
        const listed = (await ctx.allMembers(ch)).sort();
        if (JSON.stringify(listed) !== JSON.stringify(expected)) {
          fail(`members(${token}) = ${JSON.stringify(listed)}, the records say ${JSON.stringify(expected)}`);
        }
        if (ctx.inspector === undefined) continue;
        for (const raw of await ctx.inspector.channelMembers(ch)) {
          const n = ids.indexOf(raw.connectionId);
          const live = raw.expiresAt === undefined || raw.expiresAt > now;
          if (live && (n < 0 || !model[n]?.channels.has(ch))) {
            orphan(
              `the backend holds a live membership of ${raw.connectionId} in ${token} that its record does not list`,
              raw.expiresAt,
              fail,
            );
          }
        }
      }
      return model;
    };

    for (const symbolic of ctx.options.serialRegistration === true
      ? serialiseRegistrations(batches)
      : batches) {
      const batch = symbolic.map((op) => materialise(op, name));
      const outcomes = await Promise.all(batch.map((op) => runOp(ctx.store, ids, op)));
      history.push(batch.map((op, i) => `${describeOp(op)} → ${outcomes[i]}`).join(' ‖ '));
      const errors = outcomes.filter((o) => o.startsWith('error'));
      if (errors.length > 0) fail(`a call failed: ${errors.join('; ')}`);
      const candidates = linearisations(state, batch)
        .filter((l) => l.outcomes.every((o, i) => o === outcomes[i]))
        .map((l) => l.state);
      if (candidates.length === 0) fail('the outcomes match no order of the batch');
      state = await observe(candidates, sampled);
    }
    // Full check, then unregister everything: nothing of any id may be left.
    state = await observe([state], universe);
    const removed = await Promise.all(ids.map((cid) => ctx.store.unregister(cid)));
    history.push(`unregister every connection → ${removed.map((r) => (r ? 'removed' : 'none')).join(', ')}`);
    removed.forEach((r, n) => {
      const expected: ModelOutcome = applyOp(state, { kind: 'unregister', id: n }).outcome;
      if ((r ? 'removed' : 'none') !== expected)
        fail(`unregister(#${n}) answered ${r ? 'a record' : 'nothing'}`);
      if (
        r !== undefined &&
        JSON.stringify([...r.channels].sort()) !== JSON.stringify([...state[n]!.channels].sort())
      ) {
        fail(`unregister(#${n}) answered channels that differ from the record`);
      }
    });
    await observe([ids.map(() => undefined)], universe);
    if (ctx.inspector) {
      for (const cid of ids) {
        const items = await ctx.inspector.connectionItems(cid);
        if (items.length > 0)
          fail(`after unregister, ${cid} still has items: ${items.map((i) => i.key).join(', ')}`);
      }
      for (const token of universe) {
        const left = (await ctx.inspector.channelMembers(name(token))).filter((m) =>
          ids.includes(m.connectionId),
        );
        for (const m of left)
          orphan(`after unregister, ${token} still holds ${m.connectionId}`, m.expiresAt, fail);
      }
    }
  };

  /** Prints what a model test did when it stopped early (time limit) or tolerated orphans. */
  const report = (done: number, planned: number) => {
    if (done < planned)
      console.log(`[conformance] model runs: ${done} of ${planned} within ${timeLimitMs} ms`);
    if (orphans > 0) {
      console.log(
        `[conformance] ${done} runs: ${orphans} index entries not listed by their record (hidden by members())`,
      );
    }
    orphans = 0;
  };

  describe('model-based concurrent calls', () => {
    it(`random concurrent calls on 3 connections match the model (${runs} runs)`, {
      timeout: 600_000,
    }, async () => {
      const batches = fc.array(fc.array(opArb(3, channelList, true), { minLength: 1, maxLength: 4 }), {
        minLength: 2,
        maxLength: 8,
      });
      const before = run;
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(batches, async (b) => {
          // No new run after the time limit; a run once started always completes (fast-check's
          // interruptAfterTimeLimit would abandon it mid-flight, its calls still landing later).
          if (Date.now() - started < timeLimitMs) await execute(3, b);
        }),
        {
          numRuns: runs,
          seed,
          endOnFailure: true,
        },
      );
      expect(run - before).toBeGreaterThan(0);
      report(run - before, runs);
    });

    it(`101–150 channels joined, left, set and unregistered concurrently on one connection leave nothing behind (${Math.ceil(runs / 2)} runs)`, {
      timeout: 600_000,
    }, async () => {
      const batches = fc.array(fc.array(opArb(1, bigList, false), { minLength: 2, maxLength: 4 }), {
        minLength: 2,
        maxLength: 5,
      });
      const before = run;
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(batches, async (b) => {
          // No new run after the time limit; a run once started always completes (fast-check's
          // interruptAfterTimeLimit would abandon it mid-flight, its calls still landing later).
          if (Date.now() - started < timeLimitMs) await execute(1, b);
        }),
        {
          numRuns: Math.ceil(runs / 2),
          seed: seed + 1,
          endOnFailure: true,
        },
      );
      expect(run - before).toBeGreaterThan(0);
      report(run - before, Math.ceil(runs / 2));
    });
  });
}

/**
 * The batches with every `register` moved into a batch of its own, just before the rest of its
 * batch (for stores whose re-registration must not race other calls on the same id).
 */
function serialiseRegistrations(batches: ModelOp[][]): ModelOp[][] {
  return batches.flatMap((batch) => {
    const registers = batch.filter((op) => op.kind === 'register');
    const rest = batch.filter((op) => op.kind !== 'register');
    return [...registers.map((op) => [op]), ...(rest.length > 0 ? [rest] : [])];
  });
}

/** The op with channel tokens replaced by the run's channel names. */
function materialise(op: ModelOp, name: (token: string) => string): ModelOp {
  return 'channels' in op ? { ...op, channels: op.channels.map(name) } : op;
}

function sortKeys(data: Readonly<Record<string, unknown>>): Array<[string, unknown]> {
  return Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function abbreviate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
