import { createHash } from 'node:crypto';

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
    this.#sha256 ??= createHash('sha256').update(this.bytes).digest('hex');
    return this.#sha256;
  }
}
