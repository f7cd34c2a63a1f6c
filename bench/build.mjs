// Transpiles bench/src to bench/dist with esbuild (no bundling), so benchmarks run on plain
// `node` against the built @wsapp packages: no TypeScript loader in the measured processes,
// no source-path aliases, no helpers injected into the code under test.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('./src/', import.meta.url).pathname;
const entryPoints = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, f));

rmSync(new URL('./dist/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: new URL('./dist/', import.meta.url).pathname,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: false,
  logLevel: 'warning',
});
