import { connect } from 'node:net';

/** A RESP2 reply: simple/bulk string, integer, nil, array, or an error reply. */
export type RespReply = string | number | null | RespReply[] | RespError;

/** An error reply from Redis (`-ERR ...`). */
export class RespError extends Error {}

type Parsed = { value: RespReply; next: number } | undefined;

function parse(buf: Buffer, start: number): Parsed {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new RespError(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items: RespReply[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, offset);
        if (!item) return undefined;
        items.push(item.value);
        offset = item.next;
      }
      return { value: items, next: offset };
    }
    default:
      throw new Error(`unexpected RESP type byte "${type}"`);
  }
}

function encode(args: readonly (string | number)[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`;
}

/**
 * Sends one command to a Redis server on a fresh connection and resolves with its reply (error
 * replies reject). A tiny client so that setting backends up needs no Redis library.
 */
export function redisCommand(
  host: string,
  port: number,
  args: readonly (string | number)[],
  timeoutMs = 2_000,
): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis ${host}:${port} timed out`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed: Parsed;
      try {
        parsed = parse(buf, 0);
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (!parsed) return;
      socket.end();
      if (parsed.value instanceof RespError) reject(parsed.value);
      else resolve(parsed.value);
    });
  });
}

/** True when the server answers PING with PONG. */
export async function redisPing(host: string, port: number): Promise<boolean> {
  return (await redisCommand(host, port, ['PING'], 1_000)) === 'PONG';
}
