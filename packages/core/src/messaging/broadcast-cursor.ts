import { decodeCursorBody, encodeCursorBody } from '../store/opaque-cursor.js';
import { setOwn } from '../store/plain-data.js';
import { InvalidCursorError } from '../store/store-errors.js';

/**
 * Where a split broadcast resumes: the channel index and the store's cursor inside it, plus what
 * every invocation of one broadcast shares: its message id and a fingerprint of its target.
 */
export interface BroadcastPosition {
  channel: number;
  storeCursor: string | undefined;
  /** Absent only in cursors written before message ids existed (`b1.`). */
  messageId?: string;
  /** Fingerprint of the target's channels and ids; absent in `b1.` cursors. */
  target?: string;
  /**
   * The sequence numbers the first invocation's history appends got, per history channel: later
   * invocations send the same frame without appending again. Absent without history channels.
   */
  seqs?: Record<string, number>;
}

const PREFIX = 'b2.';
const LEGACY_PREFIX = 'b1.';

export function encodeBroadcastCursor(position: BroadcastPosition): string {
  return (
    PREFIX +
    encodeCursorBody([
      position.channel,
      position.storeCursor ?? null,
      position.messageId ?? null,
      position.target ?? null,
      // Only with history: cursors of other broadcasts keep their bytes.
      ...(position.seqs === undefined ? [] : [JSON.stringify(position.seqs)]),
    ])
  );
}

const optionalString = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

export function decodeBroadcastCursor(cursor: string): BroadcastPosition {
  try {
    const legacy = cursor.startsWith(LEGACY_PREFIX);
    if (!legacy && !cursor.startsWith(PREFIX)) throw new Error('prefix');
    const [channel, storeCursor, messageId = null, target = null, seqs = null] = decodeCursorBody(
      cursor.slice(PREFIX.length),
    ) as unknown[];
    if (!Number.isInteger(channel) || (channel as number) < 0) throw new Error('channel');
    if (!optionalString(storeCursor) || !optionalString(messageId) || !optionalString(target))
      throw new Error('fields');
    const position: BroadcastPosition = { channel: channel as number, storeCursor: storeCursor ?? undefined };
    if (messageId !== null) position.messageId = messageId;
    if (target !== null) position.target = target;
    if (seqs !== null) position.seqs = decodeSeqs(seqs);
    return position;
  } catch {
    throw new InvalidCursorError('not a broadcast cursor');
  }
}

function decodeSeqs(text: unknown): Record<string, number> {
  if (typeof text !== 'string') throw new Error('seqs');
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('seqs');
  const seqs: Record<string, number> = {};
  for (const [channel, seq] of Object.entries(value)) {
    if (!Number.isSafeInteger(seq) || (seq as number) < 1) throw new Error('seq');
    setOwn(seqs, channel, seq as number);
  }
  return seqs;
}
