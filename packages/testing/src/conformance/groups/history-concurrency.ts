import type { ConnectionStore } from '@wsapp/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyOf, message } from '../history-store.js';
import type { SuiteContext } from '../suite-context.js';

const DEFAULT_RUNS = 40;
const DEFAULT_SEED = 21_2026;
const DEFAULT_TIME_LIMIT_MS = 45_000;
/** Broadcasters: the test's store and two more over the same backend (or itself three times). */
const BROADCASTERS = 3;

/**
 * Concurrent appends to one channel from several broadcasters (separate store instances over one
 * backend when the suite has `sharedBackend`): every append gets a distinct number, numbers strictly increase from one batch to the
 * next, no entry is lost or answered twice, and the backend holds at most `maxLength` of them.
 * Model-based (fast-check, seeded, bounded like the model-concurrency group).
 */
export function historyConcurrencyGroup(ctx: SuiteContext): void {
  const runs = Number(process.env.WSAPP_MODEL_RUNS ?? ctx.options.modelRuns ?? DEFAULT_RUNS);
  const seed = Number(process.env.WSAPP_MODEL_SEED ?? ctx.options.modelSeed ?? DEFAULT_SEED);
  const timeLimitMs = Number(
    process.env.WSAPP_MODEL_TIME_LIMIT_MS ?? ctx.options.modelTimeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
  );

  const broadcasters = async (): Promise<ConnectionStore[]> => {
    const stores = [ctx.store];
    if (ctx.options.sharedBackend !== true) return [ctx.store, ctx.store, ctx.store];
    while (stores.length < BROADCASTERS) stores.push((await ctx.createStore({})).store);
    return stores;
  };

  describe.skipIf(ctx.options.history === false)('channel history under concurrent appends', () => {
    it('60 concurrent appends from 3 broadcasters get the numbers 1–60, each once, none lost', async () => {
      const stores = await broadcasters();
      const retention = { maxLength: 100, ttlSeconds: 600 };
      const seqs = await Promise.all(
        Array.from({ length: 60 }, (_, n) =>
          historyOf(stores[n % BROADCASTERS]!).append(ctx.channel(), message(n), retention),
        ),
      );
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
      const page = await historyOf(stores[1]!).read(ctx.channel());
      expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
      // Each entry is the message whose append answered its number.
      for (const entry of page.entries) expect(entry.messageId).toBe(`m${seqs.indexOf(entry.seq)}`);
      expect(page.headSeq).toBe(60);
    });

    it(`random batches of concurrent appends match the model (${runs} runs)`, {
      timeout: 600_000,
    }, async () => {
      const stores = await broadcasters();
      let run = 0;
      const started = Date.now();
      const batches = fc.array(fc.array(fc.nat(BROADCASTERS - 1), { minLength: 1, maxLength: 8 }), {
        minLength: 1,
        maxLength: 6,
      });
      const maxLength = fc.constantFrom(1, 3, 8, 100);
      await fc.assert(
        fc.asyncProperty(batches, maxLength, async (plan, n) => {
          if (Date.now() - started >= timeLimitMs) return;
          const me = ++run;
          const ch = ctx.channel(`r${me}`);
          const retention = { maxLength: n, ttlSeconds: 600 };
          /** seq → the message id its append sent. */
          const assigned = new Map<number, string>();
          const log: string[] = [];
          const fail = (what: string): never => {
            throw new Error(`${what}\nmaxLength ${n}, batches (broadcaster → seq):\n${log.join('\n')}`);
          };
          for (const [b, batch] of plan.entries()) {
            const ids = batch.map((_, k) => `m${b}.${k}`);
            const seqs = await Promise.all(
              batch.map((who, k) =>
                historyOf(stores[who]!).append(
                  ch,
                  { messageId: ids[k]!, payload: JSON.stringify({ b, k }) },
                  retention,
                ),
              ),
            );
            log.push(batch.map((who, k) => `#${who} → ${seqs[k]}`).join(' ‖ '));
            const before = Math.max(0, ...assigned.keys());
            for (const [k, seq] of seqs.entries()) {
              if (!Number.isSafeInteger(seq) || seq <= before) fail(`seq ${seq} is not above ${before}`);
              if (assigned.has(seq)) fail(`seq ${seq} was answered twice`);
              assigned.set(seq, ids[k]!);
            }
            const head = Math.max(...assigned.keys());
            const page = await historyOf(stores[b % BROADCASTERS]!).read(ch);
            const got = page.entries.map((e) => e.seq);
            if (page.headSeq !== head) fail(`headSeq ${page.headSeq}, the appends answered up to ${head}`);
            for (const [i, e] of page.entries.entries()) {
              if (i > 0 && e.seq <= got[i - 1]!) fail(`entries out of order: ${got.join(',')}`);
              if (assigned.get(e.seq) !== e.messageId)
                fail(`entry ${e.seq} is ${e.messageId}, not ${assigned.get(e.seq)}`);
            }
            if (got.length > n) fail(`${got.length} entries answered, maxLength ${n}`);
            // The newest min(n, appended) entries, by number, are all there: none lost.
            const newest = [...assigned.keys()].filter((s) => s > head - n).sort((x, y) => x - y);
            if (JSON.stringify(got) !== JSON.stringify(newest))
              fail(`entries ${got.join(',')}, expected ${newest.join(',')}`);
            if (page.oldestSeq !== newest[0]) fail(`oldestSeq ${page.oldestSeq}, expected ${newest[0]}`);
            if (ctx.inspector?.historyEntries) {
              const held = await ctx.inspector.historyEntries(ch);
              if (held.length > n) fail(`the backend holds ${held.length} entries, maxLength ${n}`);
            }
          }
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
      expect(run).toBeGreaterThan(0);
      if (run < runs)
        console.log(`[conformance] history model runs: ${run} of ${runs} within ${timeLimitMs} ms`);
    });
  });
}
