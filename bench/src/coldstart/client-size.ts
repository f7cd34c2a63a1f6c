/**
 * Size of `@wsapp/client` as a page ships it: an esbuild bundle (browser platform, minified, ESM)
 * of a small app using every feature, from the published `dist`; gzip as a server sends it.
 *
 *   node dist/coldstart/client-size.js
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { emitResult } from '../lib/child.js';

const benchDir = fileURLToPath(new URL('../../', import.meta.url));
const appSource = `
import { createClient } from '@wsapp/client';
const client = createClient('wss://ws.example.com/prod', {
  auth: { token: () => 'token', via: 'subprotocol' },
  protocols: ['chat.v1'],
  heartbeat: { intervalMs: 240000, timeoutMs: 10000 },
  resume: (session) => session.resumed?.resumed || session.request('join', { room: 'lobby' }),
  session: { storage: { get: () => sessionStorage.getItem('s') ?? undefined, set: (t) => sessionStorage.setItem('s', t) } },
});
client.on('message', (m) => console.log(m));
client.on('gap', (g) => console.log(g.channel));
export const ask = () => client.request('say', { room: 'lobby', text: 'hi' });
`;

const result = await build({
  stdin: { contents: appSource, resolveDir: benchDir, loader: 'js', sourcefile: 'page.js' },
  bundle: true,
  minify: true,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  external: ['ws'], // Node-only fallback, never loaded where a global WebSocket exists
  metafile: true,
  write: false,
  logLevel: 'silent',
  tsconfigRaw: '{}', // resolve the published dist, as a user's bundler does
});
const output = result.outputFiles[0];
if (output === undefined) throw new Error('esbuild produced no output');
const inputs = Object.keys((result.metafile as Metafile).inputs);
emitResult({
  minifiedBytes: output.contents.length,
  gzipBytes: gzipSync(output.contents, { level: 9 }).length,
  inputs: inputs.filter((i) => i !== 'page.js').length,
  otherPackages: inputs.filter((i) => i.includes('node_modules') && !i.includes('@wsapp/client')),
});
