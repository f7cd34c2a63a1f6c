/**
 * The "Broadcast throughput" section of RESULTS.md: one message to real WebSocket connections: `broadcast()` against a sequential loop and raw pooled calls.
 */
import { check, type Section } from '../lib/section.js';
import { fmt, fmtInt, mib, ratio } from '../lib/stats.js';

interface BroadcastContender {
  name: string;
  measuredOn: number;
  ms: number;
  msFor: number;
  perSecond: number;
  delivered: number;
  expected: number;
  heapDelta: number;
  rssDelta: number;
}
interface BroadcastResult {
  skipped?: string;
  count: number;
  rounds: number;
  concurrency: number;
  clientsMissing: number;
  scenarios: Array<{ latencyMs: number; sequentialSample: number; contenders: BroadcastContender[] }>;
}

/** Broadcast throughput. */
export const broadcastSection: Section = {
  id: 'broadcast',
  title: 'Broadcast throughput',
  async run(ctx) {
    const out: string[] = [];
    const headlines: string[] = [];
    const broadcastCount = ctx.quick ? 1000 : 10_000;
    const broadcast = await ctx.child<BroadcastResult>(
      'broadcast',
      'broadcast/run.js',
      [String(broadcastCount), ctx.quick ? '1' : '2', '20'],
      ['--expose-gc'],
    );
    out.push(
      `One message to ${fmtInt(broadcastCount)} real WebSocket connections: \`ws\` clients in a child process, connected over loopback to ` +
        '`@wsapp/local` (the API Gateway emulator, another child process); the broadcaster is a third process. ' +
        '**wsapp**: `Messenger.broadcast({ channels })` over a `MemoryConnectionStore` channel holding every connection (members streamed page by page). ' +
        '(a) **sequential loop**: `for (const id of ids) await client.send(new PostToConnectionCommand(…))` with a default SDK client — ' +
        'measured on a sample and extrapolated linearly (its cost is the same per message whatever the count). ' +
        '(b) **raw pooled**: the same SDK client configuration and concurrency as wsapp (50 workers, keep-alive, no SDK retries), ' +
        'over a pre-built id array, no store: the practical limit. Every round checks that the clients really received every message. ' +
        'Memory: peaks above the start of the call of the live heap (a full GC forced every 250 ms, then sampled, so ' +
        'garbage awaiting collection is not counted) and of RSS. ' +
        'Two scenarios: plain loopback (no network latency at all: every contender, even the sequential loop, is bound by the ' +
        'CPU cost of an SDK call on this 2-core machine, so concurrency cannot help and the ≥ 10x target cannot be reached there), ' +
        'and the emulator answering each management call after 20 ms (an in-region API Gateway round trip: what a real broadcast ' +
        'waits on, and where concurrency matters).',
      '',
    );
    if (broadcast.ok && broadcast.value.skipped === undefined) {
      const b = broadcast.value;
      out.push(
        `${b.rounds} interleaved rounds per scenario; medians. Messages missing at the clients over all rounds: ${b.clientsMissing}.`,
        '',
      );
      for (const s of b.scenarios) {
        const ws = s.contenders.find((c) => c.name === 'wsapp');
        const seq = s.contenders.find((c) => c.name === 'sequential');
        const raw = s.contenders.find((c) => c.name === 'raw');
        out.push(
          `### ${s.latencyMs === 0 ? 'Loopback, no added latency' : `${s.latencyMs} ms per management call`}`,
          '',
        );
        out.push(
          `| contender | measured on | time (ms) | time for ${fmtInt(b.count)} (ms) | messages/s | delivered | live heap peak Δ | RSS peak Δ | wsapp speed-up |`,
        );
        out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
        const label: Record<string, string> = {
          wsapp: '**wsapp** `broadcast()`',
          sequential: '(a) sequential `await` loop',
          raw: '(b) raw pooled calls (no store)',
        };
        for (const c of s.contenders) {
          out.push(
            `| ${label[c.name] ?? c.name} | ${fmtInt(c.measuredOn)} | ${fmtInt(c.ms)} | ${fmtInt(c.msFor)}${c.measuredOn < b.count ? ' (extrapolated)' : ''} | ${fmtInt(c.perSecond)} | ${fmtInt(c.delivered)}/${fmtInt(c.expected)} | ${mib(c.heapDelta)} | ${mib(c.rssDelta)} | ${c.name === 'wsapp' ? '—' : ratio(c.msFor, ws?.msFor ?? Number.NaN)} |`,
          );
        }
        if (ws && seq && raw) {
          const vsSeq = seq.msFor / ws.msFor;
          const vsRaw = raw.msFor / ws.msFor;
          out.push(
            '',
            `- Target ≥ 10x the sequential loop: **${fmt(vsSeq)}x** — ${check(vsSeq >= 10)}.`,
            `- Target ≥ 0.8x the raw pooled calls: **${fmt(vsRaw)}x** — ${check(vsRaw >= 0.8)}.`,
            '',
          );
          if (s.latencyMs > 0) {
            headlines.push(
              `broadcast to ${fmtInt(b.count)} connections (20 ms per call): **${fmt(vsSeq)}x** a sequential loop, **${fmt(vsRaw)}x** raw pooled calls`,
            );
          } else {
            headlines.push(
              `broadcast on bare loopback: ${fmt(vsSeq)}x a sequential loop, ${fmt(vsRaw)}x raw pooled calls`,
            );
          }
        }
      }
    } else out.push(`skipped: ${broadcast.ok ? broadcast.value.skipped : broadcast.reason}`, '');
    return { lines: out, headlines };
  },
};
