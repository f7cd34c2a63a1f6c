import { MAX_PAYLOAD_BYTES } from '../limits.js';
import { PayloadTooLargeError } from './messaging-errors.js';

/** What can be sent: text as is, bytes as a binary frame, anything else as JSON. */
export type MessageData = string | Uint8Array | ArrayBuffer | object | number | boolean | null;

/** Encodes data once for all recipients, enforcing API Gateway's 128 KB limit before any call. */
export function encodePayload(data: MessageData): Uint8Array {
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else {
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError('Message data is not serialisable as JSON');
    bytes = Buffer.from(json, 'utf8');
  }
  if (bytes.byteLength > MAX_PAYLOAD_BYTES)
    throw new PayloadTooLargeError(bytes.byteLength, MAX_PAYLOAD_BYTES);
  return bytes;
}
