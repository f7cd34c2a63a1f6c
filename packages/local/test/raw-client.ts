import { randomBytes } from 'node:crypto';
import { type Socket, connect as tcpConnect } from 'node:net';

/** A handshake written byte by byte over `node:net`, so tests can send what no WebSocket library would. */
export interface RawHandshake {
  method?: string;
  /** Path and query, e.g. `/local?x=1`. */
  target: string;
  /** Headers in order, with the case given; `undefined` values are left out. */
  headers: Array<[string, string | undefined]>;
}

/** A valid handshake to `target`, with `overrides` replacing (or, with `undefined`, removing) headers. */
export function handshake(
  host: string,
  target: string,
  overrides: Record<string, string | undefined> = {},
  method = 'GET',
): RawHandshake {
  const base: Record<string, string | undefined> = {
    Host: host,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
  };
  const headers = Object.entries({ ...base, ...overrides });
  return { method, target, headers };
}

export function serialize(h: RawHandshake): string {
  const lines = [`${h.method ?? 'GET'} ${h.target} HTTP/1.1`];
  for (const [name, value] of h.headers) if (value !== undefined) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A raw client socket: what it received, and whether the server ended or closed it. */
export class RawClient {
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(port: number, h: RawHandshake): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
        socket.off('error', reject);
        socket.write(serialize(h));
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** The HTTP status line's code, once the response head has arrived. */
  async status(timeoutMs = 10_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const text = this.received.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match && text.includes('\r\n\r\n')) return Number(match[1]);
      if (Date.now() - started > timeoutMs) throw new Error(`no response head: ${JSON.stringify(text)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Half-close: send FIN, keep reading. */
  halfClose(): void {
    this.socket.end();
  }

  /** Abort with a TCP RST. */
  reset(): void {
    this.socket.resetAndDestroy();
  }
}
