/**
 * Watches the raw bytes a client sends and reports the first frame whose payload is larger than
 * `limit`, as soon as its header arrives. API Gateway limits frames to 32 KB (and messages to
 * 128 KB, which the socket library enforces); the library only knows message sizes.
 */
export class FrameGuard {
  readonly #limit: number;
  readonly #header = Buffer.alloc(14);
  #have = 0;
  #need = 2;
  #skip = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Feeds the next bytes of the stream; `false` once a frame over the limit has started. */
  feed(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      this.#header[this.#have++] = chunk[i++]!;
      if (this.#have < this.#need) continue;
      const len7 = this.#header[1]! & 0x7f;
      if (this.#have === 2) {
        const masked = (this.#header[1]! & 0x80) !== 0;
        this.#need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
        if (this.#have < this.#need) continue;
      }
      const length =
        len7 === 126
          ? this.#header.readUInt16BE(2)
          : len7 === 127
            ? Number(this.#header.readBigUInt64BE(2))
            : len7;
      if (length > this.#limit) return false;
      this.#skip = length;
      this.#have = 0;
      this.#need = 2;
    }
    return true;
  }
}
