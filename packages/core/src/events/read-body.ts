import { WebSocketError } from '../errors/web-socket-error.js';
import { MAX_PAYLOAD_BYTES } from '../limits.js';
import type { WebSocketEvent } from './event-types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The message text of an event: base64 bodies (binary frames) decoded as UTF-8.
 * Throws a 413 {@link WebSocketError} over API Gateway's 128 KB limit and 400 on invalid base64,
 * before any store or network work is done.
 */
export function readBody(event: WebSocketEvent): string | undefined {
  const body = event.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') throw new WebSocketError(400, 'Message body must be a string');
  if (event.isBase64Encoded === true) {
    if (Math.floor((body.length * 3) / 4) > MAX_PAYLOAD_BYTES + 2) throw tooLarge();
    if (body.length % 4 !== 0 || !BASE64.test(body)) {
      throw new WebSocketError(400, 'Message body is not valid base64');
    }
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length > MAX_PAYLOAD_BYTES) throw tooLarge();
    return bytes.toString('utf8');
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings skip the byte count.
  if (body.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(body, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw tooLarge();
  }
  return body;
}

function tooLarge(): WebSocketError {
  return new WebSocketError(413, `Message exceeds API Gateway's ${MAX_PAYLOAD_BYTES / 1024} KB limit`);
}

/** Sentinel for "the body is not JSON"; distinct from a JSON `null`. */
export const NOT_JSON: unique symbol = Symbol('wsapp.notJson');

/** Parses JSON text, answering {@link NOT_JSON} instead of throwing. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.length === 0) return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
