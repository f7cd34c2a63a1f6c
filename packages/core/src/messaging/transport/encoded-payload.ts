import { sha256Hex } from './sigv4.js';

/**
 * A message encoded once for all its recipients: the bytes, and their SHA-256 (computed on first
 * use, once), which every signed request of a broadcast shares.
 */
export class EncodedPayload {
  /** The message bytes as sent. */
  readonly bytes: Uint8Array;
  #sha256: string | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** Lower-case hex SHA-256 of {@link bytes}. */
  get sha256(): string {
    this.#sha256 ??= sha256Hex(this.bytes);
    return this.#sha256;
  }
}
