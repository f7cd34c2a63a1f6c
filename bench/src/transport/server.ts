/**
 * Child process: the minimal HTTP server every transport contender sends to (so its CPU is not
 * counted in the sender's): reads the body, answers `200` with an empty body, keep-alive.
 * IPC: `{ type: 'ready', port }`; `{ type: 'count' }` answers the requests served so far.
 */
import { createServer } from 'node:http';

let served = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    served++;
    res.writeHead(200, { 'content-length': 0 }).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send?.({ type: 'count', served });
});
process.on('disconnect', () => process.exit(0));
