/**
 * Writes RESULTS.md from the sections' outputs: the whole file after a full run, or, after a run of
 * some sections (`pnpm bench fanout`), those sections and their headlines spliced into the file in
 * place, each marked with when and where it was measured. Headline bullets carry their section's
 * id in an HTML comment, so a partial run knows which to replace.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchEnv } from './env.js';
import type { Section, SectionOutput } from './section.js';
import { fmt } from './stats.js';

/** A section that ran, with its place in the list. */
export interface Ran {
  number: number;
  section: Section;
  output: SectionOutput;
}

const heading = (r: Ran) => `## ${r.number}. ${r.section.title}`;
const headlineLine = (id: string, text: string) => `- ${text} <!-- ${id} -->`;
const blocks = (ran: Ran[], note?: string) =>
  ran.flatMap((r) => [heading(r), '', ...(note === undefined ? [] : [note, '']), ...r.output.lines, '']);

/** The whole document. */
export function fullResults(ran: Ran[], env: BenchEnv, quick: boolean, totalS: number): string {
  return [
    '# wsapp benchmarks',
    '',
    `Written by \`pnpm bench\` (bench/src/main.ts; each section in bench/src/<section>/section.ts)${quick ? ' in QUICK mode (smoke run; numbers not representative)' : ''}. Do not edit by hand.`,
    '',
    `**Environment:** Node ${env.node} · CPU ${env.cpu} × ${env.cores} cores · ${env.memory} · ${env.date} · commit ${env.commit} · ` +
      `load average at start ${env.load} (a shared, noisy machine: compare the ratios, not the absolute times) · open files limit ${env.openFiles} · total run ${fmt(totalS / 60, 1)} min.`,
    '',
    '**Headlines:**',
    '',
    ...ran.flatMap((r) => r.output.headlines.map((h) => headlineLine(r.section.id, h))),
    '',
    ...blocks(ran),
  ].join('\n');
}

/** `doc` with the sections in `ran` (and their headlines) replaced or added, the others kept as they are. */
export function splice(doc: string, ran: Ran[], env: BenchEnv, quick: boolean, totalS: number): string {
  let text = doc;
  for (const r of ran) {
    const note =
      `Measured alone by \`pnpm bench ${r.section.id}\`${quick ? ' in QUICK mode' : ''} at ${env.date}, commit ${env.commit}, ` +
      `load average at start ${env.load}, in ${fmt(totalS / 60, 1)} min; the other sections are from the run at the top.`;
    const block = `${blocks([r], note).join('\n')}\n`;
    const start = text.search(new RegExp(`^## \\d+\\. ${escapeRegExp(r.section.title)}$`, 'm'));
    if (start === -1) {
      text = `${text.trimEnd()}\n\n${block}`;
      continue;
    }
    const next = text.indexOf('\n## ', start + 1);
    text = `${text.slice(0, start)}${block}${next === -1 ? '' : text.slice(next + 1)}`;
  }
  // Headlines: drop the rerun sections' old bullets, add their new ones at the end of the list.
  const lines = text.split('\n');
  const ids = new Set(ran.map((r) => r.section.id));
  const marker = / <!-- ([\w-]+) -->$/;
  const kept = lines.filter((l) => !(l.startsWith('- ') && ids.has(marker.exec(l)?.[1] ?? '')));
  const fresh = ran.flatMap((r) => r.output.headlines.map((h) => headlineLine(r.section.id, h)));
  const at = kept.indexOf('**Headlines:**');
  if (at !== -1) {
    let end = at + 2;
    while (kept[end]?.startsWith('- ')) end++;
    kept.splice(end, 0, ...fresh);
  }
  return kept.join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes `file`: the whole document, or `ran` spliced into the existing one. */
export function writeResults(
  file: string,
  ran: Ran[],
  partial: boolean,
  env: BenchEnv,
  quick: boolean,
  totalS: number,
): void {
  const doc =
    partial && existsSync(file)
      ? splice(readFileSync(file, 'utf8'), ran, env, quick, totalS)
      : fullResults(ran, env, quick, totalS);
  writeFileSync(file, doc);
}
