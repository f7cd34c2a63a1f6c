/**
 * The "Scaling curve" section of RESULTS.md: `broadcast()` for growing channel sizes (real sockets over emulator shards) and its plot, scaling.svg / scaling.png.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { twoPanelSvg } from '../lib/plot.js';
import type { Section } from '../lib/section.js';
import { fmt, fmtInt, mib } from '../lib/stats.js';

interface ScalingPoint {
  size: number;
  skipped?: string;
  shards?: number;
  openMs?: number;
  ms?: number;
  perSecond?: number;
  heapDelta?: number;
  rssDelta?: number;
  delivered?: number;
  clientsMissing?: number;
}

/** Scaling curve. */
export const scalingSection: Section = {
  id: 'scaling',
  title: 'Scaling curve',
  async run(ctx) {
    const out: string[] = [];
    const headlines: string[] = [];
    const sizes = ctx.quick ? '1000,3000' : '1000,10000,50000';
    const scaling = await ctx.child<{
      skipped?: string;
      rounds: number;
      perShard: number;
      points: ScalingPoint[];
    }>(
      'scaling',
      'broadcast/scaling.js',
      [sizes, '1'],
      ['--expose-gc', '--max-old-space-size=4096'],
      900_000,
    );
    out.push(
      '`Messenger.broadcast` to every connection of one channel (memory store) for growing channel sizes, every connection a real ' +
        'WebSocket over loopback. One process may hold at most ' +
        `${ctx.env.openFiles.split(' / ')[1] ?? '20000'} open files here (\`ulimit -n\`, hard limit, cannot be raised without privileges), ` +
        'so connections are spread over emulator shards of at most 12,500 sockets, each with its own client process; every size uses ' +
        'the same path (the endpoint recorded with each connection). Loopback, no added latency.',
      '',
    );
    if (scaling.ok && scaling.value.skipped === undefined) {
      const sc = scaling.value;
      out.push(
        `${sc.rounds} timed round per size (one warm-up broadcast before the first size, same process throughout); ` +
          'memory as in §3 (live heap: a full GC forced every 250 ms, then sampled).',
        '',
      );
      out.push(
        '| members | emulator shards | time (ms) | messages/s | ms per 1,000 | live heap peak Δ | RSS peak Δ | delivered | missing at clients |',
      );
      out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const p of sc.points) {
        if (p.skipped) {
          out.push(`| ${fmtInt(p.size)} | skipped: ${p.skipped} | | | | | | | |`);
          continue;
        }
        out.push(
          `| ${fmtInt(p.size)} | ${p.shards} | ${fmtInt(p.ms ?? Number.NaN)} | ${fmtInt(p.perSecond ?? Number.NaN)} | ${fmt(((p.ms ?? 0) / p.size) * 1000, 0)} | ${mib(p.heapDelta ?? Number.NaN)} | ${mib(p.rssDelta ?? Number.NaN)} | ${fmtInt(p.delivered ?? Number.NaN)} | ${fmtInt(p.clientsMissing ?? Number.NaN)} |`,
        );
      }
      const ok = sc.points.filter((p) => p.skipped === undefined && p.ms !== undefined);
      if (ok.length >= 2) {
        const svg = twoPanelSvg(
          {
            title: 'Broadcast time',
            xLabel: 'members (real WebSocket connections)',
            yLabel: 'seconds',
            series: [
              {
                name: 'wsapp broadcast()',
                color: '#1f6feb',
                points: ok.map((p) => [p.size, (p.ms ?? 0) / 1000]),
              },
            ],
          },
          {
            title: 'Live memory above the start of the call',
            xLabel: 'members',
            yLabel: 'MiB',
            series: [
              {
                name: 'live heap peak Δ',
                color: '#d1242f',
                points: ok.map((p) => [p.size, (p.heapDelta ?? 0) / 2 ** 20]),
              },
              {
                name: 'RSS peak Δ',
                color: '#8250df',
                points: ok.map((p) => [p.size, (p.rssDelta ?? 0) / 2 ** 20]),
              },
            ],
          },
          ctx.footer,
        );
        writeFileSync(`${ctx.benchDir}scaling.svg`, svg);
        try {
          execFileSync('rsvg-convert', ['-o', `${ctx.benchDir}scaling.png`, `${ctx.benchDir}scaling.svg`]);
          out.push('', '![scaling curve](scaling.png)');
        } catch {
          out.push(
            '',
            '![scaling curve](scaling.svg) (PNG not rendered: `rsvg-convert` missing — `apt-get install -y librsvg2-bin`)',
          );
        }
        const largest = ok[ok.length - 1] as ScalingPoint;
        const smallest = ok[0] as ScalingPoint;
        const perK = (p: ScalingPoint) => ((p.ms ?? 0) / p.size) * 1000;
        out.push(
          '',
          `- Cost per 1,000 members: ${fmt(perK(smallest), 0)} ms at ${fmtInt(smallest.size)}, ${fmt(perK(largest), 0)} ms at ${fmtInt(largest.size)} ` +
            `(${fmt(perK(largest) / perK(smallest))}x): ${perK(largest) <= perK(smallest) * 1.25 ? 'linear — the cost per member does not grow with the channel (the smallest size carries the most fixed overhead)' : 'the cost per member grows with the channel size'}.`,
          `- Live heap peak above start: ${mib(smallest.heapDelta ?? 0)} at ${fmtInt(smallest.size)} members, ${mib(largest.heapDelta ?? 0)} at ${fmtInt(largest.size)} ` +
            `for ${fmt(largest.size / smallest.size, 0)}x the members: members are streamed page by page, so the working set stays a few MiB ` +
            '(the store holding the members themselves is allocated before the call and not counted).',
        );
        headlines.push(
          `scaling: ${fmtInt(smallest.size)} → ${fmtInt(largest.size)} members, ${fmt(perK(smallest), 0)} → ${fmt(perK(largest), 0)} ms per 1,000, heap peak Δ ${mib(smallest.heapDelta ?? 0)} → ${mib(largest.heapDelta ?? 0)}`,
        );
      }
    } else out.push(`skipped: ${scaling.ok ? scaling.value.skipped : scaling.reason}`);
    out.push('');
    return { lines: out, headlines };
  },
};
