import type { IncomingMessage } from 'node:http';

/** Why a handshake is refused before `$connect` runs. */
export interface HandshakeProblem {
  /** The HTTP status answered. */
  status: number;
  /** The `message` of the JSON body. */
  message: string;
}

/** RFC 6455 §4.1: the key is 16 random bytes in base64. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** RFC 7230 `token` characters, the grammar of each offered subprotocol. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks an upgrade request the way API Gateway does before it invokes `$connect`: a GET asking
 * for `websocket` with a well-formed key, version 13 and a well-formed subprotocol list. What
 * passes here, the socket library accepts too, so a connection `$connect` accepted always opens.
 */
export function handshakeProblem(req: IncomingMessage): HandshakeProblem | undefined {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    return { status: 426, message: 'Upgrade Required' };
  }
  if (req.method !== 'GET') return { status: 400, message: 'Bad Request' };
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return { status: 400, message: 'Bad Request' };
  if (req.headers['sec-websocket-version'] !== '13') return { status: 400, message: 'Bad Request' };
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined && offeredSubprotocols(protocols) === undefined) {
    return { status: 400, message: 'Bad Request' };
  }
  return undefined;
}

/** The offered subprotocols, or `undefined` when the list is malformed (empty items, bad or repeated tokens). */
export function offeredSubprotocols(header: string): string[] | undefined {
  const offered = header.split(',').map((item) => item.trim());
  if (offered.some((item) => !TOKEN.test(item))) return undefined;
  return new Set(offered).size === offered.length ? offered : undefined;
}
