import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Proves what users install works: each package's dist, loaded by `require` and by `import`
// from a separate project through its `exports` map, in a fresh Node process.
const packagesDir = resolve(import.meta.dirname, '../..');
const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(join(packagesDir, name, 'package.json')),
);
let consumer: string;

beforeAll(() => {
  consumer = mkdtempSync(join(tmpdir(), 'wsapp-consumer-'));
  mkdirSync(join(consumer, 'node_modules', '@wsapp'), { recursive: true });
  for (const name of packages) {
    symlinkSync(join(packagesDir, name), join(consumer, 'node_modules', '@wsapp', name), 'dir');
  }
});
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

function run(file: string, code: string): string {
  writeFileSync(join(consumer, file), code);
  return execFileSync(process.execPath, [join(consumer, file)], { cwd: consumer, encoding: 'utf8' }).trim();
}

const resolveScript = (load: string) => `
${load}
const app = new WebSocketApp({ logger: { warn() {}, error() {} } })
  .onConnect(() => undefined)
  .route('ping', (ctx) => ({ pong: ctx.body.n }));
const event = { requestContext: { routeKey: 'ping', eventType: 'MESSAGE', connectionId: 'c=', requestId: 'r',
  stage: 'prod', domainName: 'x', apiId: 'x' }, body: '{"n":1}' };
app.resolve(event).then((res) => console.log(JSON.stringify(res)));
`;

describe('built packages', () => {
  it.each(packages)('%s has a built ESM + CJS + d.ts output listed in its exports map', (name) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'));
    const entry = manifest.exports['.'];
    expect(Object.keys(entry.import)[0]).toBe('types');
    expect(Object.keys(entry.require)[0]).toBe('types');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.files).toContain('dist');
    for (const file of [
      entry.import.types,
      entry.import.default,
      entry.require.types,
      entry.require.default,
    ]) {
      expect(existsSync(join(packagesDir, name, file)), `${name}/${file} missing: run pnpm build`).toBe(true);
    }
  });

  it.each(packages)(
    '%s exports the same names to require() and import',
    (name) => {
      const cjs = run(`${name}.cjs`, `console.log(Object.keys(require('@wsapp/${name}')).sort().join(','))`);
      const esm = run(
        `${name}.mjs`,
        `const m = await import('@wsapp/${name}'); console.log(Object.keys(m).sort().join(','))`,
      );
      expect(cjs.length).toBeGreaterThan(0);
      expect(esm).toBe(cjs);
      // Two fresh Node processes per package; @wsapp/cdk loads aws-cdk-lib (~10 s on a loaded machine).
    },
    60_000,
  );

  it('@wsapp/core routes an event when required from CommonJS', () => {
    const out = run('core-app.cjs', resolveScript(`const { WebSocketApp } = require('@wsapp/core');`));
    expect(JSON.parse(out)).toEqual({ statusCode: 200, body: '{"pong":1}' });
  });

  it('routing never loads the AWS SDK (cold start): messaging loads it on first use', () => {
    const out = run(
      'core-cold.cjs',
      `${resolveScript(`const { WebSocketApp } = require('@wsapp/core');`)}
setTimeout(() => console.log(Object.keys(require.cache).filter((k) => k.includes('@aws-sdk')).length), 50);`,
    );
    expect(out.split('\n').at(-1)).toBe('0');
  });

  it('@wsapp/core routes an event when imported as ESM', () => {
    const out = run('core-app.mjs', resolveScript(`import { WebSocketApp } from '@wsapp/core';`));
    expect(JSON.parse(out)).toEqual({ statusCode: 200, body: '{"pong":1}' });
  });

  it.each([
    ['CommonJS', 'cjs', (m: string) => `require('${m}')`],
    ['ESM', 'mjs', (m: string) => `await import('${m}')`],
  ])('@wsapp/core/store and /middleware share the root entry’s classes (%s)', (_name, ext, load) => {
    const out = run(
      `core-subpaths.${ext}`,
      `const root = ${load('@wsapp/core')}; const store = ${load('@wsapp/core/store')};
const mw = ${load('@wsapp/core/middleware')};
console.log(JSON.stringify([store.BaseConnectionStore === root.BaseConnectionStore,
  store.InvalidChannelError === root.InvalidChannelError, store.WsappError === root.WsappError,
  typeof mw.tracer, typeof mw.routeMetrics, typeof root.tracer]));`,
    );
    expect(JSON.parse(out)).toEqual([true, true, true, 'function', 'function', 'undefined']);
  });
});
