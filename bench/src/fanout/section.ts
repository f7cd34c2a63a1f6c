/**
 * The "Fan-out workers" section of RESULTS.md: 1…N `fanOutWorker` processes against one `broadcast()`, and the plot fanout.svg / fanout.png.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { twoPanelSvg } from '../lib/plot.js';
import { check, type Section } from '../lib/section.js';
import { fmt, fmtInt } from '../lib/stats.js';

interface Summary {
  ms: number;
  perSecond: number;
  perRound: number[];
  delivered: number;
  missing: number;
  extra: number;
  senderCores: number;
  emulatorCores: number;
  clientCores: number;
}

/** What `fanout/run.js` emits. */
export interface FanOutBenchResult {
  skipped?: string;
  count: number;
  latencyMs: number;
  concurrency: number;
  rounds: number;
  shards: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  baseline: Summary;
  points: Array<Summary & { workers: number }>;
  /** One more round through workers capped at `rate` messages/s each (`ratePerSecond`). */
  rated?: {
    rate: number;
    points: Array<{
      workers: number;
      ms: number;
      perSecond: number;
      delivered: number;
      missing: number;
      extra: number;
    }>;
  };
}

const cores = (s: Summary) => s.senderCores + s.emulatorCores + s.clientCores;

/** Markdown lines and headlines of the section; writes `fanout.svg` (and `fanout.png` when rsvg-convert exists) into `dir`. */
export function renderFanOut(
  r: FanOutBenchResult,
  dir: string,
  footer: string,
  machineCores: number,
): { lines: string[]; headlines: string[] } {
  const out: string[] = [];
  const base = r.baseline;
  const one = r.points.find((p) => p.workers === 1);
  out.push(
    `One channel of ${fmtInt(r.count)} members: real WebSocket connections over ${r.shards} emulator process${r.shards === 1 ? '' : 'es'} (\`@wsapp/local\`, ` +
      `at most 12,500 sockets each, each with its own client process), every management call answered after ${r.latencyMs} ms. ` +
      `**Every worker is a process of its own**, as each Lambda is: its own \`Messenger\` (concurrency ${r.concurrency}), its own ` +
      'copy of the channel in a `MemoryConnectionStore` (same members, same order, so `memberSlices` plans the same slices everywhere), ' +
      "invoked with the SQS record `fanOut` enqueues for its slice (`fanOutWorker`; the queue's own latency is not measured). " +
      'The baseline is one `broadcast()` to the whole channel in one such process. All processes start together after a warm-up ' +
      `delivery; the time ends when the last one is done. ${r.rounds} round${r.rounds === 1 ? '' : 's'}, the points alternating (order rotated per round); medians. ` +
      '"Cores busy" = CPU time (user + system) of the kind of process ÷ wall time of the delivery.',
    '',
    `Load average (1, 5, 15 min) at the start of this section: ${r.loadAtStart.map((l) => fmt(l, 1)).join(', ')}; at its end: ` +
      `${r.loadAtEnd.map((l) => fmt(l, 1)).join(', ')} — on ${machineCores} cores shared with other engineers' builds and tests, ` +
      'so compare the ratios within this run, not absolute rates with other sections.',
    '',
    `| delivery | processes sending | time (ms) | messages/s | per round | vs one broadcast() | vs linear (N × 1 worker) | cores busy: senders / emulators / clients (total) | delivered | missing / extra |`,
    '|---|---:|---:|---:|---|---:|---:|---|---:|---:|',
  );
  const row = (label: string, processes: number, s: Summary, linear: string) =>
    `| ${label} | ${processes} | ${fmtInt(s.ms)} | ${fmtInt(s.perSecond)} | ${s.perRound.map(fmtInt).join(', ')} | ${fmt(s.perSecond / base.perSecond)}x | ${linear} | ${fmt(s.senderCores)} / ${fmt(s.emulatorCores)} / ${fmt(s.clientCores)} (${fmt(cores(s))}) | ${fmtInt(s.delivered)} | ${fmtInt(s.missing)} / ${fmtInt(s.extra)} |`;
  out.push(row('one `broadcast()`', 1, base, '—'));
  for (const p of r.points) {
    const linear = one === undefined ? 'n/a' : `${fmt(p.perSecond / (one.perSecond * p.workers))}`;
    out.push(row(`${p.workers} worker${p.workers === 1 ? '' : 's'}`, p.workers, p, linear));
  }
  const ceiling = (r.concurrency / r.latencyMs) * 1000;
  const best = r.points.reduce(
    (a, b) => (b.perSecond > a.perSecond ? b : a),
    r.points[0] as FanOutBenchResult['points'][number],
  );
  const two = r.points.find((p) => p.workers === 2);
  out.push(
    '',
    `- Latency bound of one process: ${r.concurrency} calls in flight ÷ ${r.latencyMs} ms = ${fmtInt(ceiling)} messages/s; ` +
      `one \`broadcast()\` reached ${fmtInt(base.perSecond)}/s (${fmt((base.perSecond / ceiling) * 100, 0)} % of it) keeping ${fmt(cores(base))} cores busy in all.`,
  );
  if (one !== undefined && two !== undefined) {
    out.push(
      `- 1 → 2 workers: ${fmtInt(one.perSecond)} → ${fmtInt(two.perSecond)} messages/s (${fmt(two.perSecond / one.perSecond)}x; linear would be 2.00x).`,
    );
  }
  out.push(
    `- Best: ${best.workers} workers, ${fmtInt(best.perSecond)} messages/s, **${fmt(best.perSecond / base.perSecond)}x one \`broadcast()\`**, ` +
      `with ${fmt(cores(best))} of the machine's ${machineCores} cores busy in these processes alone.`,
    `- CPU per message, all processes together (at the best point): ${fmtInt((cores(best) / best.perSecond) * 1e6)} µs — workers ` +
      `${fmtInt((best.senderCores / best.perSecond) * 1e6)}, emulators ${fmtInt((best.emulatorCores / best.perSecond) * 1e6)}, clients ` +
      `${fmtInt((best.clientCores / best.perSecond) * 1e6)}: the emulator and the clients, which API Gateway and the users' devices would carry, ` +
      `share these cores with the workers. ${machineCores} idle cores would carry at most ` +
      `${fmtInt(machineCores / (cores(best) / best.perSecond))} messages/s of this whole pipeline; ` +
      `this run's processes were given ${fmt(Math.max(...r.points.map(cores)), 2)} cores at most (the rest went to other work on the machine).`,
    `- Target near-linear scaling until the cores are the limit: ${check(
      two !== undefined && one !== undefined && two.perSecond / one.perSecond >= 1.6,
    )} for 1 → 2 workers (≥ 1.6x counted as near-linear); past that see the cores-busy column.`,
  );
  if (r.rated !== undefined && r.rated.points.length > 0) {
    const rate = r.rated.rate;
    out.push(
      '',
      `### Workers capped at ${fmtInt(rate)} messages/s each`,
      '',
      `The same channel, one round, each worker with \`ratePerSecond: ${rate}\` (how a fleet is kept under the account's quota ` +
        `with the event source mapping's maximum concurrency): N workers should deliver N × ${fmtInt(rate)}/s until the cores run out.`,
      '',
      '| delivery | time (ms) | messages/s | N × rate | achieved ÷ N × rate | delivered | missing / extra |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...r.rated.points.map(
        (p) =>
          `| ${p.workers} worker${p.workers === 1 ? '' : 's'} | ${fmtInt(p.ms)} | ${fmtInt(p.perSecond)} | ${fmtInt(p.workers * rate)} | ${fmt(p.perSecond / (p.workers * rate))} | ${fmtInt(p.delivered)} | ${fmtInt(p.missing)} / ${fmtInt(p.extra)} |`,
      ),
    );
  }
  const xs = r.points.map((p) => p.workers);
  const svg = twoPanelSvg(
    {
      title: 'Fan-out throughput (each worker its own process)',
      xLabel: 'workers',
      yLabel: 'messages/s',
      series: [
        { name: 'fanOutWorker × N', color: '#1f6feb', points: r.points.map((p) => [p.workers, p.perSecond]) },
        ...(one === undefined
          ? []
          : [
              {
                name: 'linear (N × 1 worker)',
                color: '#9a6700',
                points: xs.map((x): [number, number] => [x, x * one.perSecond]),
              },
            ]),
        {
          name: 'one broadcast()',
          color: '#d1242f',
          points: xs.map((x): [number, number] => [x, base.perSecond]),
        },
        ...(r.rated === undefined
          ? []
          : [
              {
                name: `workers capped at ${r.rated.rate}/s each`,
                color: '#1a7f37',
                points: r.rated.points.map((p): [number, number] => [p.workers, p.perSecond]),
              },
            ]),
      ],
    },
    {
      title: 'Cores busy during the delivery',
      xLabel: 'workers',
      yLabel: 'cores (CPU time ÷ wall time)',
      series: [
        { name: 'all processes', color: '#8250df', points: r.points.map((p) => [p.workers, cores(p)]) },
        { name: 'workers', color: '#1f6feb', points: r.points.map((p) => [p.workers, p.senderCores]) },
        {
          name: 'emulators + clients',
          color: '#1a7f37',
          points: r.points.map((p) => [p.workers, p.emulatorCores + p.clientCores]),
        },
        {
          name: `the machine (${machineCores} cores)`,
          color: '#d1242f',
          points: xs.map((x): [number, number] => [x, machineCores]),
        },
      ],
    },
    footer,
  );
  writeFileSync(`${dir}fanout.svg`, svg);
  try {
    execFileSync('rsvg-convert', ['-o', `${dir}fanout.png`, `${dir}fanout.svg`]);
    out.push('', '![fan-out scaling](fanout.png)');
  } catch {
    out.push('', '![fan-out scaling](fanout.svg)');
  }
  const headlines = [
    `fan-out to ${fmtInt(r.count)} members at ${r.latencyMs} ms per call, one process per worker: ${r.points
      .map((p) => `${p.workers} → ${fmtInt(p.perSecond)}/s`)
      .join(
        ', ',
      )} against one \`broadcast()\`'s ${fmtInt(base.perSecond)}/s (load average ${fmt(r.loadAtStart[0] ?? Number.NaN, 1)} on ${machineCores} cores)`,
  ];
  return { lines: out, headlines };
}

/** Fan-out workers. */
export const fanOutSection: Section = {
  id: 'fanout',
  title: 'Fan-out workers',
  async run(ctx) {
    const result = await ctx.child<FanOutBenchResult>(
      'fanout',
      'fanout/run.js',
      [ctx.quick ? '5000' : '50000', '1,2,4,8', '20', ctx.quick ? '1' : '2', '50', '500'],
      [],
      1_800_000,
    );
    if (!result.ok) return { lines: [`skipped: ${result.reason}`], headlines: [] };
    if (result.value.skipped !== undefined)
      return { lines: [`skipped: ${result.value.skipped}`], headlines: [] };
    return renderFanOut(result.value, ctx.benchDir, ctx.footer, ctx.env.cores);
  },
};
