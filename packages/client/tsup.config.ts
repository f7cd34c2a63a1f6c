import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.js';

// ESM + CJS + d.ts for bundlers and Node, plus one minified ES module for pages without a
// bundler (the chat example serves it); `ws` stays external (browsers use their own WebSocket).
export default defineConfig([
  packageConfig({ external: ['ws'] }) as never,
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/browser',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    dts: false,
    clean: false,
    external: ['ws'],
  },
]);
