import type { IncomingMessage } from 'node:http';

/**
 * The subprotocol to answer: the integration's `Sec-WebSocket-Protocol` response header (any case)
 * when the client offered it; otherwise none. Nothing is ever echoed automatically.
 */
export function chosenSubprotocol(req: IncomingMessage, headers: Record<string, string>): string | undefined {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'sec-websocket-protocol');
  const chosen = name === undefined ? undefined : headers[name]?.trim();
  if (chosen === undefined || chosen.length === 0) return undefined;
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.includes(chosen) ? chosen : undefined;
}
