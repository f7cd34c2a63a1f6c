/**
 * The "Cold start" section of RESULTS.md: import time, bundle size and first answers of a minimal app against Powertools, plus the browser client's size.
 */
import { check, type Section } from '../lib/section.js';
import { fmt, ratio } from '../lib/stats.js';

interface ColdSubject {
  name: string;
  minifiedBytes: number;
  gzipBytes: number;
  inputCount: number;
  sdkInputs: string[];
  packages: string[];
  bytesByArea: Record<string, number>;
  externals: string[];
  importMs: number;
  processMs: number;
  bundleFirstResponseMs: number;
  probe: { statuses: number[]; sdkAfterRouting: string[]; sdkAfterSend?: string[] };
}

/** Cold start. */
export const coldStartSection: Section = {
  id: 'coldstart',
  title: 'Cold start',
  async run(ctx) {
    const out: string[] = [];
    const headlines: string[] = [];
    const cold = await ctx.child<{ runs: number; subjects: ColdSubject[] }>(
      'cold start',
      'coldstart/run.js',
      [ctx.quick ? '4' : '30'],
    );
    out.push(
      'Each measurement is a fresh `node` process; processes alternate between the two contenders; medians. ' +
        '"import" is `await import(pkg)` timed inside the process (the built `dist`); "bundle → first answers" loads the ' +
        'esbuild bundle of the minimal app (CommonJS, as Lambda runs it) and routes its events (3 for wsapp: connect, message, ' +
        'disconnect; 1 GET for Powertools). Bundles: esbuild `--bundle --minify --platform=node --target=node20`, `@aws-sdk/*` external. ' +
        'Powertools has no WebSocket router; its HTTP router (`@aws-lambda-powertools/event-handler/http` 2.35) is the nearest equivalent.',
      '',
    );
    if (cold.ok) {
      const c = cold.value;
      const ws = c.subjects.find((s) => s.name === 'wsapp');
      const pt = c.subjects.find((s) => s.name === 'powertools');
      out.push(`${c.runs} processes per contender and measurement.`, '');
      out.push(
        '| | import (ms) | whole process (ms) | bundle → first answers (ms) | bundle minified | gzip | AWS SDK in bundle | AWS SDK loaded by routing |',
      );
      out.push('|---|---:|---:|---:|---:|---:|---|---|');
      for (const s of c.subjects) {
        out.push(
          `| ${s.name === 'wsapp' ? '**wsapp** (`@wsapp/core`)' : 'Powertools event-handler HTTP `Router`'} | ${fmt(s.importMs, 1)} | ${fmt(s.processMs, 0)} | ${fmt(s.bundleFirstResponseMs, 1)} | ${fmt(s.minifiedBytes / 1024, 1)} KB | ${fmt(s.gzipBytes / 1024, 1)} KB | ${s.sdkInputs.length === 0 ? 'no' : `yes (${s.sdkInputs.length} files)`} | ${s.probe.sdkAfterRouting.length === 0 ? 'no' : `yes: ${s.probe.sdkAfterRouting.join(', ')}`} |`,
        );
      }
      if (ws && pt) {
        out.push(
          '',
          `- Bundle bytes by origin: wsapp — ${Object.entries(ws.bytesByArea)
            .map(([k, v]) => `${k} ${fmt(v / 1024, 1)} KB`)
            .join(', ')}; Powertools — ${Object.entries(pt.bytesByArea)
            .map(([k, v]) => `${k} ${fmt(v / 1024, 1)} KB`)
            .join(', ')}.`,
          `- wsapp bundle's external imports: ${ws.externals.map((e) => `\`${e}\``).join(', ')} — the SDK only as a dynamic import.`,
          `- Runtime check (every \`require\` recorded in the process): after routing, AWS SDK modules loaded: **${ws.probe.sdkAfterRouting.length}**; ` +
            `positive control — after one \`messenger.send()\` in the same process: **${ws.probe.sdkAfterSend?.length ?? 'n/a'}** SDK modules ` +
            '(so the recording does see the SDK when it loads).',
          `- Target bundle ≤ 15 KB minified: **${fmt(ws.minifiedBytes / 1024, 1)} KB** — ${check(ws.minifiedBytes <= 15 * 1024)}.`,
          `- Target import not slower than Powertools': **${fmt(ws.importMs, 1)} ms vs ${fmt(pt.importMs, 1)} ms** (${ratio(ws.importMs, pt.importMs)}) — ${check(ws.importMs <= pt.importMs)}.`,
          `- Target routing never loads the AWS SDK: ${check(ws.sdkInputs.length === 0 && ws.probe.sdkAfterRouting.length === 0)} (not in the bundle, not loaded at run time).`,
        );
        headlines.push(
          `cold start: import ${fmt(ws.importMs, 1)} ms vs Powertools' ${fmt(pt.importMs, 1)} ms; minimal-app bundle ${fmt(ws.minifiedBytes / 1024, 1)} KB minified (Powertools ${fmt(pt.minifiedBytes / 1024, 1)} KB); routing never loads the AWS SDK`,
        );
      }
    } else out.push(`skipped: ${cold.reason}`);
    out.push('');

    const clientSize = await ctx.child<{
      minifiedBytes: number;
      gzipBytes: number;
      inputs: number;
      otherPackages: string[];
    }>('client size', 'coldstart/client-size.js', []);
    out.push('### Browser client', '');
    if (clientSize.ok) {
      const c = clientSize.value;
      out.push(
        'A page using every feature of `@wsapp/client` (token in a subprotocol, heartbeat with liveness check, resume, ' +
          'requests), bundled by esbuild `--bundle --minify --platform=browser --target=es2022` from the published dist (`ws` external: ' +
          'Node-only fallback); gzip level 9.',
        '',
        `- \`@wsapp/client\`: **${fmt(c.minifiedBytes / 1024, 1)} KB** minified, **${fmt(c.gzipBytes / 1024, 2)} KB** gzipped, ` +
          `${c.inputs} source files, other packages bundled: ${c.otherPackages.length === 0 ? 'none' : c.otherPackages.join(', ')}.`,
        `- Target ≤ 5 KB minified + gzipped: ${check(c.gzipBytes <= 5 * 1024)}.`,
      );
      headlines.push(`browser client ${fmt(c.gzipBytes / 1024, 2)} KB min+gzip (target ≤ 5 KB)`);
    } else out.push(`skipped: ${clientSize.reason}`);
    out.push('');
    return { lines: out, headlines };
  },
};
