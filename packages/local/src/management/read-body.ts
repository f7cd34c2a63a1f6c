import type { IncomingMessage } from 'node:http';

/** A request body read up to a limit: `tooLarge` when it exceeded it (the excess is drained, not kept). */
export type ReadBody = { tooLarge: false; data: Buffer } | { tooLarge: true };

/** Reads a request body, keeping at most `limit` bytes in memory. */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > limit ? { tooLarge: true } : { tooLarge: false, data: Buffer.concat(chunks) }),
    );
    req.on('error', reject);
  });
}
