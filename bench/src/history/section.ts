/**
 * The "Broadcast with history" section of RESULTS.md, from the result of `history/run.js`. Kept
 * apart from main.ts so it can be rendered from a saved result:
 * `node dist/history/section.js result.json` prints the markdown.
 */
import { readFileSync } from 'node:fs';
import type { Section } from '../lib/section.js';
import { fmt, fmtInt } from '../lib/stats.js';
import type { HistoryBenchResult } from './run.js';

/** Markdown lines of the section. */
export function historySection(result: HistoryBenchResult): string[] {
  const out: string[] = [
    'The same broadcast to a channel without history and to one with history (`history: { channels: [...] }`: one ' +
      '`appendHistory` before any send, `$mid`/`$seq` in every frame), interleaved round by round in one run ' +
      `(median of ${result.rounds} each), real WebSocket connections on one \`@wsapp/local\` emulator, management calls ` +
      'answered without added latency (the overhead is not hidden behind the network), fixed endpoint. Store calls are ' +
      'counted by a wrapper around the store (member pages + appends). The machine is shared: compare rows of one run.',
    '',
    '| backend | members | without history (ms) | with history (ms) | extra per broadcast | one append alone (ms) | store calls without / with | frame bytes without / with |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of result.rows) {
    const extra = r.historyMs - r.plainMs;
    out.push(
      `| ${r.backend} | ${fmtInt(r.members)} | ${fmt(r.plainMs)} | ${fmt(r.historyMs)} | ${extra >= 0 ? '+' : ''}${fmt(extra)} ms (${fmt(r.historyMs / r.plainMs)}x) | ${fmt(r.appendMs, 3)} | ${fmt(r.plainCalls, 1)} / ${fmt(r.historyCalls, 1)} | ${fmtInt(r.plainBytes)} / ${fmtInt(r.historyBytes)} |`,
    );
  }
  for (const note of result.notes) out.push('', note);
  return out;
}

if (process.argv[1]?.endsWith('section.js') && process.argv[2]) {
  const result = JSON.parse(
    readFileSync(process.argv[2], 'utf8').replace(/^RESULT /, ''),
  ) as HistoryBenchResult;
  console.log(historySection(result).join('\n'));
}

/** Broadcast with history versus without. */
export const historyBenchSection: Section = {
  id: 'history',
  title: 'Broadcast with history',
  async run(ctx) {
    const run = await ctx.child<HistoryBenchResult>(
      'history',
      'history/run.js',
      ctx.quick ? ['200', '5'] : ['1000', '30'],
      [],
      600_000,
    );
    if (!run.ok || run.value.skipped !== undefined) {
      return { lines: [`skipped: ${run.ok ? run.value.skipped : run.reason}`], headlines: [] };
    }
    return { lines: historySection(run.value), headlines: historyHeadlines(run.value) };
  },
};

/** The headline: the extra time of a one-member broadcast with history, per backend. */
function historyHeadlines(result: HistoryBenchResult): string[] {
  const single = result.rows.filter((r) => r.members === Math.min(...result.rows.map((x) => x.members)));
  if (single.length === 0) return [];
  const signed = (ms: number) => `${ms >= 0 ? '+' : '−'}${fmt(Math.abs(ms))}`;
  const parts = single.map(
    (r) => `${r.backend} ${signed(r.historyMs - r.plainMs)} ms (${fmt(r.appendMs, 3)} ms per append)`,
  );
  return [`Broadcast with history: ${parts.join(', ')} over the same broadcast without, in one run`];
}
