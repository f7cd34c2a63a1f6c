/**
 * The "Store operations" section of RESULTS.md: store operations on real backends against the minimal raw client calls.
 */
import { check, type Section } from '../lib/section.js';
import { fmt, fmtInt } from '../lib/stats.js';

interface StoreRow {
  backend: string;
  op: string;
  wsappOpsPerSec?: number;
  rawOpsPerSec?: number;
  wsappTrips?: number;
  rawTrips?: number;
  skipped?: string;
}

/** Store operations. */
export const storesSection: Section = {
  id: 'stores',
  title: 'Store operations',
  async run(ctx) {
    const out: string[] = [];
    const headlines: string[] = [];
    const stores = await ctx.child<{ ops: number; bigChannel: number; rounds: number; rows: StoreRow[] }>(
      'stores',
      'stores/run.js',
      ctx.quick ? ['50', '1000'] : ['300', '10000'],
    );
    out.push(
      'Sequential awaited operations against real backends started by `@wsapp/testing` (memory too, for scale), versus the ' +
        'minimal raw client calls a hand-written implementation needs on the same backend (Redis: a hash + a channel set per ' +
        'connection and a member set per channel, one pipeline per operation, unregister = read + pipeline, members = `SMEMBERS`; ' +
        'DynamoDB: one `TransactWriteItems` per register/join/leave, unregister = `GetItem` + `BatchWriteItem`, members = `Query` pages). ' +
        'Round trips: Redis — socket writes of the client per operation (a pipeline or a script is one); DynamoDB — HTTP requests sent by the ' +
        'SDK client per operation (counted by a middleware). "ratio" is raw ops/s ÷ wsapp ops/s (how many times slower wsapp is; target ≤ 1.3). ' +
        "wsapp's members are read with `allMembers()`, which pages through `members()` at the store's default page size " +
        '(a broadcast streams the same pages); the raw baseline reads the whole set in one reply.',
      '',
    );
    if (stores.ok) {
      const s = stores.value;
      out.push(
        `${fmtInt(s.ops)} operations per measurement, ${s.rounds} alternating rounds, medians; members of a ${fmtInt(s.bigChannel)}-member channel.`,
        '',
      );
      out.push(
        '| backend | operation | wsapp ops/s | raw ops/s | ratio | wsapp round trips/op | raw round trips/op | target ≤ 1.3x |',
      );
      out.push('|---|---|---:|---:|---:|---:|---:|---|');
      for (const r of s.rows) {
        if (r.skipped) {
          out.push(`| ${r.backend} | skipped: ${r.skipped} | | | | | | |`);
          continue;
        }
        const rr =
          r.rawOpsPerSec !== undefined && r.wsappOpsPerSec !== undefined
            ? r.rawOpsPerSec / r.wsappOpsPerSec
            : undefined;
        out.push(
          `| ${r.backend} | ${r.op} | ${fmtInt(r.wsappOpsPerSec ?? Number.NaN)} | ${r.rawOpsPerSec === undefined ? '—' : fmtInt(r.rawOpsPerSec)} | ${rr === undefined ? '—' : `${fmt(rr)}x`} | ${r.wsappTrips === undefined ? '—' : fmt(r.wsappTrips, 1)} | ${r.rawTrips === undefined ? '—' : fmt(r.rawTrips, 1)} | ${rr === undefined ? '—' : check(rr <= 1.3)} |`,
        );
      }
    } else out.push(`skipped: ${stores.reason}`);
    out.push('');
    return { lines: out, headlines };
  },
};
