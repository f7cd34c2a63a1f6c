/**
 * Cold start: (1) time to `import` each package in a fresh Node process, (2) size of an
 * esbuild-minified bundle of a minimal app (AWS SDK external) and what it contains, (3) a fresh
 * process loading that bundle and answering its first events, with every `require` recorded to
 * show whether the AWS SDK was loaded. Processes alternate between contenders; medians.
 *
 *   node dist/coldstart/run.js [runs]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { benchFile, emitResult, parseResult, runNode } from '../lib/child.js';
import { median } from '../lib/stats.js';
import { subjects } from './apps.js';

const runs = Number(process.argv[2] ?? 25);
const benchDir = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = fileURLToPath(new URL('../../.cache/coldstart/', import.meta.url));
mkdirSync(cacheDir, { recursive: true });

const SDK = /@aws-sdk\/|@smithy\//;

/** `fromSources`: resolve @wsapp/* through the repository's tsconfig paths, to attribute bytes per source file. */
async function bundle(source: string, format: 'esm' | 'cjs', fromSources = false) {
  const result = await build({
    stdin: { contents: source, resolveDir: benchDir, loader: 'js', sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format,
    external: ['@aws-sdk/*'],
    metafile: true,
    write: false,
    logLevel: 'silent',
    // The repository's tsconfig maps @wsapp/* to sources; a user's bundle resolves the published dist.
    ...(fromSources ? {} : { tsconfigRaw: '{}' }),
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return { bytes: output.contents, metafile: result.metafile as Metafile };
}

const bundles = [];
for (const subject of subjects) {
  const esm = await bundle(subject.appSource, 'esm');
  const cjs = await bundle(subject.appSource, 'cjs');
  const cjsPath = `${cacheDir}${subject.name}.cjs`;
  writeFileSync(cjsPath, cjs.bytes);
  const inputs = Object.keys(esm.metafile.inputs);
  const externals = Object.values(esm.metafile.outputs).flatMap((o) =>
    o.imports
      .filter((i) => i.external)
      .map((i) => `${i.path}${i.kind === 'dynamic-import' ? ' (dynamic)' : ''}`),
  );
  bundles.push({
    name: subject.name,
    minifiedBytes: esm.bytes.length,
    gzipBytes: gzipSync(esm.bytes).length,
    inputCount: inputs.length,
    sdkInputs: inputs.filter((i) => SDK.test(i)),
    packages: [...new Set(inputs.map(packageOf))],
    // Where the bytes come from: routing vs messaging (reachable through ctx.send / app.broadcast).
    bytesByArea: bytesByArea((await bundle(subject.appSource, 'esm', true)).metafile),
    externals: [...new Set(externals)],
    cjsPath,
  });
}

function packageOf(input: string): string {
  const inNodeModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
  if (inNodeModules !== undefined) return inNodeModules;
  const workspace = /packages\/([^/]+)\//.exec(input)?.[1];
  return workspace === undefined ? 'app' : `@wsapp/${workspace}`;
}

function bytesByArea(metafile: Metafile): Record<string, number> {
  const areas: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const area = /packages\/core\/src\/(messaging|store)\//.test(input)
        ? '@wsapp/core messaging + store contract'
        : /packages\/core\/src\//.test(input)
          ? '@wsapp/core routing'
          : packageOf(input);
      areas[area] = (areas[area] ?? 0) + bytesInOutput;
    }
  }
  return areas;
}

const importScript = (specifier: string) =>
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); ` +
  `process.stdout.write('RESULT ' + JSON.stringify({ importMs: performance.now() - t, sinceStartMs: performance.now() }) + '\\n');`;

const importMs = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
const processMs = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
const firstResponseMs = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
const probes = new Map<string, unknown>();

for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? subjects : [...subjects].reverse();
  for (const subject of order) {
    const t = performance.now();
    const r = await runNode('-e', [importScript(subject.specifier)], {
      nodeArgs: ['--input-type=module'],
      cwd: benchDir,
    });
    const wall = performance.now() - t;
    const parsed = parseResult<{ importMs: number; sinceStartMs: number }>(r);
    importMs.get(subject.name)?.push(parsed.importMs);
    processMs.get(subject.name)?.push(wall);

    const b = bundles.find((x) => x.name === subject.name);
    if (b === undefined) continue;
    const probe = parseResult<{ firstResponseMs: number }>(
      await runNode(benchFile('coldstart/probe.js'), [b.cjsPath], { cwd: benchDir }),
    );
    firstResponseMs.get(subject.name)?.push(probe.firstResponseMs);
  }
}

// Runtime check of what routing loads, with the positive control (messaging must load the SDK).
for (const b of bundles) {
  probes.set(
    b.name,
    parseResult(await runNode(benchFile('coldstart/probe.js'), [b.cjsPath, '--send'], { cwd: benchDir })),
  );
}

emitResult({
  runs,
  subjects: bundles.map((b) => ({
    ...b,
    importMs: median(importMs.get(b.name) ?? []),
    processMs: median(processMs.get(b.name) ?? []),
    bundleFirstResponseMs: median(firstResponseMs.get(b.name) ?? []),
    probe: probes.get(b.name),
  })),
});
