/**
 * Child process of {@link startShards}: opens `count` real WebSocket clients to `url` (200
 * handshakes in flight) and counts the frames each socket receives. IPC: sends
 * `{ type: 'open', opened, failed }` once all are settled; answers `{ type: 'frames' }` with
 * how many sockets received how many frames (`{ "1": 10000 }`: every socket exactly once).
 *
 *   node --import tsx clients.ts <url> <count>
 */
import WebSocket from 'ws';

const [url, countText] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: clients.ts <url> <count>');
const count = Number(countText);
const frames: number[] = [];
const sockets: WebSocket[] = [];
let failed = 0;

function open(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url as string, { perMessageDeflate: false });
    const index = frames.push(0) - 1;
    ws.once('open', () => {
      sockets.push(ws);
      resolve();
    });
    ws.on('message', () => {
      frames[index] = (frames[index] ?? 0) + 1;
    });
    ws.once('error', () => {
      failed++;
      resolve();
    });
  });
}

let next = 0;
async function lane(): Promise<void> {
  while (next < count) {
    next++;
    await open();
  }
}
await Promise.all(Array.from({ length: Math.min(200, count) }, lane));
process.on('message', (message: { type: string }) => {
  if (message.type === 'frames') {
    const histogram: Record<string, number> = {};
    for (const n of frames) histogram[n] = (histogram[n] ?? 0) + 1;
    process.send?.({ type: 'frames', histogram });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'open', opened: sockets.length, failed });
