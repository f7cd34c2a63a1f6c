/**
 * Child process: opens `count` real WebSocket clients to `url` (at most 200 handshakes in flight)
 * and counts the messages they receive. IPC: `{ type: 'open', opened, failed }` once all are
 * settled; answers `{ type: 'received' }` with the running total, `{ type: 'cpu' }` with its CPU time so far (µs).
 *
 *   node dist/broadcast/clients.js <url> <count>
 */
import WebSocket from 'ws';

const [url, countText] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: clients.js <url> <count>');
const count = Number(countText);
let received = 0;
let failed = 0;
let opened = 0;
const sockets: WebSocket[] = [];

function open(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url as string, { perMessageDeflate: false });
    ws.on('open', () => {
      opened++;
      sockets.push(ws);
      resolve();
    });
    ws.on('message', () => {
      received++;
    });
    ws.on('error', () => {
      failed++;
      resolve();
    });
  });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    next++;
    await open();
  }
}
await Promise.all(Array.from({ length: Math.min(200, count) }, worker));
process.on('message', (message: { type: string }) => {
  if (message.type === 'received') process.send?.({ type: 'received', received });
  if (message.type === 'cpu') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'cpu', us: cpu.user + cpu.system });
  }
  if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'open', opened, failed });
