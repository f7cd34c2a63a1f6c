/**
 * The "Fan-out workers" section of RESULTS.md and its plot (fanout.svg / fanout.png), from the
 * result of `fanout/run.js`. Kept apart from main.ts so the section can also be rendered from a
 * saved result: `node dist/fanout/section.js result.json` prints the markdown and writes the plot.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { twoPanelSvg } from '../lib/plot.js';
import { fmt, fmtInt } from '../lib/stats.js';

/** What `fanout/run.js` emits. */
export interface FanOutBenchResult {
  skipped?: string;
  count: number;
  latencyMs: number;
  concurrency: number;
  baseline: { ms: number; perSecond: number; delivered: number };
  points: Array<{ workers: number; ms: number; perSecond: number; delivered: number; missing: number }>;
}

/** Markdown lines of the section; writes `fanout.svg` (and `fanout.png` when rsvg-convert exists) into `dir`. */
export function fanOutSection(result: FanOutBenchResult, dir: string, footer: string): string[] {
  const out: string[] = [];
  out.push(
    `One channel of ${fmtInt(result.count)} members (real WebSocket connections over sharded emulators), every management call ` +
      `answered after ${result.latencyMs} ms. One \`broadcast()\` in one process against 1…N \`fanOutWorker\`s, one slice each ` +
      `(\`memberSlices\`), each with its own \`Messenger\` (concurrency ${result.concurrency}), invoked with the SQS records \`fanOut\` enqueues. ` +
      'The workers share this one process, so the curve flattens where its CPU (one core of this 2-core machine, shared with the emulators) is the limit; ' +
      'Lambda workers each bring their own.',
    '',
    '| delivery | time (ms) | messages/s | vs one broadcast() | delivered | missing at clients |',
    '|---|---:|---:|---:|---:|---:|',
    `| one \`broadcast()\` | ${fmtInt(result.baseline.ms)} | ${fmtInt(result.baseline.perSecond)} | 1.00x | ${fmtInt(result.baseline.delivered)} | — |`,
  );
  for (const p of result.points) {
    out.push(
      `| ${p.workers} worker${p.workers === 1 ? '' : 's'} | ${fmtInt(p.ms)} | ${fmtInt(p.perSecond)} | ${fmt(p.perSecond / result.baseline.perSecond)}x | ${fmtInt(p.delivered)} | ${fmtInt(p.missing)} |`,
    );
  }
  const svg = twoPanelSvg(
    {
      title: 'Fan-out throughput',
      xLabel: 'workers',
      yLabel: 'messages/s',
      series: [
        {
          name: 'fanOutWorker × N',
          color: '#1f6feb',
          points: result.points.map((p) => [p.workers, p.perSecond]),
        },
        {
          name: 'one broadcast()',
          color: '#d1242f',
          points: result.points.map((p) => [p.workers, result.baseline.perSecond]),
        },
      ],
    },
    {
      title: 'Time to reach every member',
      xLabel: 'workers',
      yLabel: 'seconds',
      series: [
        {
          name: 'fanOutWorker × N',
          color: '#8250df',
          points: result.points.map((p) => [p.workers, p.ms / 1000]),
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
  return out;
}

if (process.argv[1]?.endsWith('section.js') && process.argv[2]) {
  const result = JSON.parse(
    readFileSync(process.argv[2], 'utf8').replace(/^RESULT /, ''),
  ) as FanOutBenchResult;
  const dir = new URL('../../', import.meta.url).pathname;
  console.log(fanOutSection(result, dir, process.argv[3] ?? '').join('\n'));
}
