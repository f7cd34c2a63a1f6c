/**
 * `pnpm bench`: runs every section of RESULTS.md in order, each measuring in child processes, and
 * writes bench/RESULTS.md (plus the plots the sections draw). `pnpm bench <id> …` reruns only the
 * named sections and splices them into the existing file. BENCH_QUICK=1: a short smoke run.
 *
 * A section is `<dir>/section.ts` exporting a {@link Section}; add it here, one line, in place.
 */
import { fileURLToPath } from 'node:url';
import { broadcastSection } from './broadcast/section.js';
import { coldStartSection } from './coldstart/section.js';
import { dispatchSection } from './dispatch/section.js';
import { fanOutSection } from './fanout/section.js';
import { historyBenchSection } from './history/section.js';
import { benchEnv, plotFooter } from './lib/env.js';
import { type Ran, writeResults } from './lib/results.js';
import { childRunner, type Section } from './lib/section.js';
import { fmt } from './lib/stats.js';
import { resumeBenchSection } from './resume/section.js';
import { scalingSection } from './scaling/section.js';
import { storesSection } from './stores/section.js';
import { transportSection } from './transport/section.js';

const sections: Section[] = [
  dispatchSection,
  coldStartSection,
  broadcastSection,
  storesSection,
  scalingSection,
  fanOutSection,
  transportSection,
  historyBenchSection,
  resumeBenchSection,
];

const quick = process.env.BENCH_QUICK === '1';
const benchDir = fileURLToPath(new URL('../', import.meta.url));
const started = Date.now();
const only = process.argv.slice(2);
const unknown = only.filter((id) => !sections.some((s) => s.id === id));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown section ${unknown.join(', ')}; sections: ${sections.map((s) => s.id).join(', ')}\n`,
  );
  process.exit(2);
}
const env = benchEnv(benchDir);
const ctx = { quick, benchDir, env, footer: plotFooter(env), child: childRunner(benchDir, started) };
const ran: Ran[] = [];
for (const [index, section] of sections.entries()) {
  if (only.length > 0 && !only.includes(section.id)) continue;
  // A section that throws is reported in its place; the others still run.
  const output = await section.run(ctx).catch((error: unknown) => ({
    lines: [`failed: ${error instanceof Error ? error.message : String(error)}`],
    headlines: [],
  }));
  ran.push({ number: index + 1, section, output });
}
const totalS = (Date.now() - started) / 1000;
writeResults(`${benchDir}RESULTS.md`, ran, only.length > 0, env, quick, totalS);
process.stderr.write(
  `[bench] wrote RESULTS.md (${ran.map((r) => r.section.id).join(', ')}) in ${fmt(totalS / 60, 1)} min\n`,
);
