/**
 * Runs only the management-transport benchmark and writes its section into bench/RESULTS.md in
 * place (replacing a previous "## 6." section, or appending), leaving the other sections as they
 * are. `pnpm bench` runs it with the rest.
 *
 *   node build.mjs && node dist/transport/section.js
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchFile, parseResult, runNode } from '../lib/child.js';
import { transportArgs } from './args.js';
import { type TransportResult, transportSection } from './report.js';

const benchDir = fileURLToPath(new URL('../../', import.meta.url));
const started = Date.now();
const result = await runNode(benchFile('transport/run.js'), transportArgs(process.env.BENCH_QUICK === '1'), {
  nodeArgs: ['--expose-gc'],
  timeoutMs: 900_000,
  cwd: benchDir,
}).then(
  (r) => ({ ok: true as const, value: parseResult<TransportResult>(r) }),
  (error: unknown) => ({ ok: false as const, reason: String(error) }),
);
if (result.ok) {
  mkdirSync(`${benchDir}.cache`, { recursive: true });
  writeFileSync(`${benchDir}.cache/transport.json`, JSON.stringify(result.value));
}
const { lines } = transportSection(result);
const file = `${benchDir}RESULTS.md`;
const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# wsapp benchmarks\n';
const start = doc.indexOf('## 7. Management transport');
const section = `${lines.join('\n')}\n`;
const next = start === -1 ? -1 : doc.indexOf('\n## ', start + 1);
const updated =
  start === -1
    ? `${doc.trimEnd()}\n\n${section}`
    : `${doc.slice(0, start)}${section}${next === -1 ? '' : doc.slice(next + 1)}`;
writeFileSync(file, updated);
process.stderr.write(`transport section written in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
