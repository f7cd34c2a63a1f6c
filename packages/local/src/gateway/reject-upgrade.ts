import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers an upgrade request with a plain HTTP status (no WebSocket is opened) and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, body: string | undefined): void {
  if (socket.destroyed) return;
  const payload = body ?? '';
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    '',
    '',
  ].join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(head + payload);
}
