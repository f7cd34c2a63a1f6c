import { InvalidCursorError } from '../store/store-errors.js';

/** Where a split broadcast resumes: the channel index and the store's cursor inside it. */
export interface BroadcastPosition {
  channel: number;
  storeCursor: string | undefined;
}

const PREFIX = 'b1.';

export function encodeBroadcastCursor(position: BroadcastPosition): string {
  const json = JSON.stringify([position.channel, position.storeCursor ?? null]);
  return PREFIX + Buffer.from(json, 'utf8').toString('base64url');
}

export function decodeBroadcastCursor(cursor: string): BroadcastPosition {
  try {
    if (!cursor.startsWith(PREFIX)) throw new Error('prefix');
    const [channel, storeCursor] = JSON.parse(
      Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8'),
    );
    if (!Number.isInteger(channel) || channel < 0) throw new Error('channel');
    if (storeCursor !== null && typeof storeCursor !== 'string') throw new Error('store cursor');
    return { channel, storeCursor: storeCursor ?? undefined };
  } catch {
    throw new InvalidCursorError('not a broadcast cursor');
  }
}
