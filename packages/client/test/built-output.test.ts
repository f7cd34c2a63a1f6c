import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureApp } from './fixture-app.js';
import { start } from './helpers.js';

// The published files, not the sources: the CommonJS build must reach `ws` through its lazy import
// (Node 20 has no global WebSocket), and the browser bundle must not import anything of Node.
const dist = join(import.meta.dirname, '..', 'dist');
type ClientModule = typeof import('@wsapp/client');

describe('built @wsapp/client', () => {
  it.each([
    ['CommonJS', () => createRequire(import.meta.url)(join(dist, 'index.cjs')) as ClientModule],
    ['ESM', () => import(pathToFileURL(join(dist, 'index.js')).href) as Promise<ClientModule>],
  ])('%s build connects through ws on Node 20 and answers requests', async (_name, load) => {
    const { createClient } = await load();
    const server = await start(fixtureApp().app);
    const client = createClient(server.url);
    try {
      await expect(client.request('echo', { text: 'built' })).resolves.toEqual({ text: 'built' });
    } finally {
      client.close();
    }
  });

  it('the browser bundle is one self-contained ES module', () => {
    const bundle = readFileSync(join(dist, 'browser', 'index.js'), 'utf8');
    expect(bundle).toContain('createClient');
    expect(bundle).not.toMatch(/from\s*["']node:|require\(/);
    // `ws` is only the Node fallback, imported lazily where no global WebSocket exists.
    expect(bundle.match(/import\(["']ws["']\)/g)).toHaveLength(1);
  });
});
