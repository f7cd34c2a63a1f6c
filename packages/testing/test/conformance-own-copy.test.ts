import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectionNotFoundError, type ConnectionStore, WsappError } from '@wsapp/core';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// A third-party store is built against its own copy of @wsapp/core (its own install, its own
// bundle), so its errors are not `instanceof` the classes the suite imports. The conformance suite
// must still pass a store that behaves correctly: it recognises errors by their brand and code
// (`WsappError.is`), as the app does. The memory store is bundled here with its own copy of core,
// minified (every class renamed), and run through the whole suite.
const dir = mkdtempSync(join(tmpdir(), 'wsapp-own-copy-store-'));
const outfile = join(dir, 'store.mjs');
await build({
  entryPoints: [resolve(import.meta.dirname, '../../store-memory/src/index.ts')],
  outfile,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'silent',
});
type MemoryStoreModule = typeof import('@wsapp/store-memory');
const bundled = (await import(pathToFileURL(outfile).href)) as MemoryStoreModule;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a store built with its own copy of @wsapp/core', () => {
  it('really throws errors of another copy: not instanceof the suite’s classes, recognised by code', async () => {
    const store = new bundled.MemoryConnectionStore();
    const error = await store.join('nobody=', ['room']).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ConnectionNotFoundError);
    expect(error).not.toBeInstanceOf(WsappError);
    expect(WsappError.is(error, 'ConnectionNotFound')).toBe(true);
    expect((error as Error).name).not.toBe('ConnectionNotFoundError'); // minified
  });
});

connectionStoreSuite('memory, bundled with its own minified copy of @wsapp/core', {
  create: ({ clock, ...limits }) =>
    new bundled.MemoryConnectionStore({ ...limits, clock: () => clock.now() }) as unknown as ConnectionStore,
  modelRuns: 8,
});
