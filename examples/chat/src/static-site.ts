import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'public');

/**
 * Serves the browser page (plain HTML + JS) next to the emulator, telling it the WebSocket URL.
 * Pass it as `serve(app, { httpHandler })`.
 */
export function siteHandler(wsUrl: () => string): (req: IncomingMessage, res: ServerResponse) => void {
  const script = readFileSync(join(root, 'chat.js'), 'utf8');
  const page = readFileSync(join(root, 'index.html'), 'utf8');
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') {
      const html = page.replace(
        '<script src="chat.js">',
        `<script>window.WSAPP_WS_URL = ${JSON.stringify(wsUrl())};</script>\n  <script src="chat.js">`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/chat.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
}
