/**
 * Real management endpoints that misbehave, on 127.0.0.1 and an ephemeral port: an HTTP server
 * whose answer per connection id is a test's choice, and a raw TCP server for answers that are not
 * HTTP at all. Both record when each request arrived, so a test can prove no call came after a
 * broadcast settled. Closed by the returned `close()`, which also destroys open sockets.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';

/** One request as the server saw it. */
export interface Arrival {
  /** The connection id of `/{stage}/@connections/{id}`, decoded. */
  connectionId: string;
  method: string;
  /** `Date.now()` when its headers arrived. */
  at: number;
}

export interface TestEndpoint {
  /** `http://127.0.0.1:{port}/test`: a Messenger `endpoint`. */
  readonly endpoint: string;
  readonly arrivals: Arrival[];
  /** Requests that arrived after `time` (epoch ms). */
  after(time: number): number;
  close(): Promise<void>;
}

const ID = /\/@connections\/([^/?]+)/;

function idOf(url: string): string {
  const match = ID.exec(url);
  return match ? decodeURIComponent(match[1] as string) : '';
}

async function listen(server: Server, sockets: Set<Socket>, arrivals: Arrival[]): Promise<TestEndpoint> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}/test`,
    arrivals,
    after: (time) => arrivals.filter((a) => a.at > time).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP management endpoint; `answer` decides each response (it may also never answer). */
export function httpEndpoint(
  answer: (req: IncomingMessage, res: ServerResponse, connectionId: string) => void,
): Promise<TestEndpoint> {
  const arrivals: Arrival[] = [];
  const server = createHttpServer((req, res) => {
    const connectionId = idOf(req.url ?? '');
    arrivals.push({ connectionId, method: req.method ?? '', at: Date.now() });
    // Drain the body first, as a real server does, then answer.
    req.resume();
    req.on('end', () => answer(req, res, connectionId));
  });
  return listen(server, new Set(), arrivals);
}

/**
 * A TCP endpoint that is not HTTP: `onRequest` gets the socket once a request's headers arrived
 * (garbage, a reset, half an answer, …).
 */
export function rawEndpoint(
  onRequest: (socket: Socket, connectionId: string) => void,
): Promise<TestEndpoint> {
  const arrivals: Arrival[] = [];
  const server = createNetServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      // One request per socket is enough: each answer here breaks the connection or the protocol.
      if (!head.includes('\r\n\r\n')) return;
      const [line = ''] = head.split('\r\n');
      const [method = '', url = ''] = line.split(' ');
      const connectionId = idOf(url);
      arrivals.push({ connectionId, method, at: Date.now() });
      head = '';
      onRequest(socket, connectionId);
    });
    socket.on('error', () => {});
  });
  return listen(server, new Set(), arrivals);
}

/** The JSON error body and header API Gateway sends, so the SDK sees a typed AWS error. */
export function awsError(res: ServerResponse, status: number, type: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message: type }));
}
