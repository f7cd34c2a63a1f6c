import { WebSocketApp } from '@wsapp/core';
import { type AppOrHandler, serve } from '@wsapp/local';
import { describe, expect, it } from 'vitest';
import { silentLogger, start } from './helpers.js';

const app = () => new WebSocketApp({ logger: silentLogger() });

describe('serve() options', () => {
  it('listens on 127.0.0.1 with an ephemeral port and the local stage by default', async () => {
    const server = await start(app());
    expect(server.port).toBeGreaterThan(0);
    expect(server.domainName).toBe(`127.0.0.1:${server.port}`);
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/local`);
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}/local`);
  });

  it('reports a wildcard host as 127.0.0.1 so the endpoint is reachable', async () => {
    const server = await start(app(), { host: '0.0.0.0', stage: 'prod' });
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}/prod`);
  });

  it('rejects bad options before listening', async () => {
    await expect(serve(app(), { stage: 'a/b' })).rejects.toThrow(TypeError);
    await expect(serve(app(), { routeSelectionExpression: '$request.header.x' })).rejects.toThrow(TypeError);
    await expect(serve(app(), { routeSelectionExpression: '$request.body.a..b' })).rejects.toThrow(TypeError);
    await expect(serve(app(), { idleTimeoutMs: 0 })).rejects.toThrow(TypeError);
    await expect(serve({} as AppOrHandler)).rejects.toThrow(TypeError);
  });

  it('rejects when the port is taken', async () => {
    const first = await start(app());
    await expect(serve(app(), { port: first.port, logger: silentLogger() })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('passes other HTTP requests to httpHandler and keeps @connections for itself', async () => {
    const server = await start(app(), {
      httpHandler: (req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`page ${req.url}`),
    });
    const page = await fetch(`http://${server.domainName}/index.html`);
    expect(await page.text()).toBe('page /index.html');
    const gone = await fetch(`${server.endpoint}/@connections/AAAAAAAAAAAAAAA=`);
    expect(gone.status).toBe(410);
  });

  it('answers other HTTP requests 403 ForbiddenException without httpHandler', async () => {
    const server = await start(app());
    const res = await fetch(`http://${server.domainName}/index.html`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
  });

  it('close() can be called twice', async () => {
    const server = await start(app());
    await server.close();
    await server.close();
  });
});
