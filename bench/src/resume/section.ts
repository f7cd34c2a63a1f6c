/**
 * The "Session resume after a backlog" section of RESULTS.md, from the result of `resume/run.js`.
 */
import type { Section } from '../lib/section.js';
import { fmt, fmtInt } from '../lib/stats.js';
import type { ResumeBenchResult } from './run.js';

/** Markdown lines of the section. */
export function resumeSection(result: ResumeBenchResult): string[] {
  const out: string[] = [
    'A `@wsapp/client` (`session: true`) drops out; the messages are broadcast to its history channel while it is ' +
      'away (`maxLength` 10,000); every management call is slowed to 20 ms; the client reconnects. Time from the new ' +
      'client to its `resumed` event (all missed messages emitted: the replay comes in pages in reply bodies, no ' +
      'management call), pages asked for, and whether each message arrived exactly once in order. One ' +
      '`@wsapp/local` emulator in the process.',
    '',
    '| backend | missed messages | resume (ms) | pages | messages/s | exactly once, in order |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const r of result.rows) {
    out.push(
      `| ${r.backend} | ${fmtInt(r.count)} | ${fmt(r.ms)} | ${r.pages} | ${fmtInt((r.count / r.ms) * 1000)} | ${r.exactlyOnce ? 'yes' : '**no**'} |`,
    );
  }
  for (const note of result.notes) out.push('', note);
  return out;
}

/** Session resume after a backlog. */
export const resumeBenchSection: Section = {
  id: 'resume',
  title: 'Session resume after a backlog',
  async run(ctx) {
    const run = await ctx.child<ResumeBenchResult>(
      'resume',
      'resume/run.js',
      ctx.quick ? ['1000'] : ['1000', '10000'],
      [],
      600_000,
    );
    if (!run.ok || run.value.skipped !== undefined) {
      return { lines: [`skipped: ${run.ok ? run.value.skipped : run.reason}`], headlines: [] };
    }
    const largest = [...run.value.rows].sort((a, b) => b.count - a.count)[0];
    const headlines =
      largest === undefined
        ? []
        : [
            `Session resume: ${fmtInt(largest.count)} missed messages in ${fmt(largest.ms)} ms (${largest.backend}, ${largest.pages} pages, 20 ms per management call), ${largest.exactlyOnce ? 'each exactly once' : '**not exactly once**'}`,
          ];
    return { lines: resumeSection(run.value), headlines };
  },
};
