import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'public');

/** The built browser bundle of `@wsapp/client` (one ES module, `pnpm build` writes it). */
function clientBundle(): string {
  const path = createRequire(import.meta.url).resolve('@wsapp/client/browser');
  return readFileSync(path, 'utf8');
}

/**
 * Serves the browser page (plain HTML + JS, using `@wsapp/client`) next to the emulator, telling
 * it the WebSocket URL. Pass it as `serve(app, { httpHandler })`.
 */
export function siteHandler(wsUrl: () => string): (req: IncomingMessage, res: ServerResponse) => void {
  const script = readFileSync(join(root, 'chat.js'), 'utf8');
  const page = readFileSync(join(root, 'index.html'), 'utf8');
  let bundle: string | undefined;
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') {
      const html = page.replace(
        '<script type="module" src="chat.js">',
        `<script>window.WSAPP_WS_URL = ${JSON.stringify(wsUrl())};</script>\n  <script type="module" src="chat.js">`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/chat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/wsapp-client.js') {
      bundle ??= clientBundle();
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
}
