import { randomUUID } from 'node:crypto';
import { appendToHistory } from '../history/append-history.js';
import type { HistoryPolicy } from '../history/history-options.js';
import type { BroadcastTarget } from '../messaging/messenger-types.js';
import { encodePayload, type MessageData } from '../messaging/payload.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { encodeTask, type FanOutTask } from './fan-out-task.js';
import { type SqsOptions, sendBatches } from './sqs.js';

/** Options of `fanOut`. */
export interface FanOutOptions extends SqsOptions {
  /** The queue the worker Lambda reads (its event source mapping). */
  queueUrl: string;
  /** Slices per channel, i.e. tasks that can run in parallel for each channel (default 8). */
  slices?: number;
  /** The broadcast id; default a random UUID. */
  broadcastId?: string;
}

/** What `fanOut` enqueued. */
export interface FanOutResult {
  /** Shared by every task; the workers' logs and metrics carry it. */
  broadcastId: string;
  /** Tasks enqueued: one per slice of each channel. */
  tasks: number;
  /** `SendMessageBatch` calls made. */
  batches: number;
  /** Payload bytes (encoded once, carried by every task). */
  payloadBytes: number;
}

/**
 * The message, or a function of the broadcast id answering it: put the id in the message so that
 * clients can drop a copy they already have (a connection in several target channels receives one
 * copy per channel; an at-least-once redelivery can repeat at most one page of a slice).
 */
export type FanOutData = MessageData | ((broadcastId: string) => MessageData);

/**
 * Plans a broadcast as parallel tasks and enqueues them on SQS: the message is encoded once (and
 * checked against API Gateway's 128 KB), each target channel is split with the store's
 * `memberSlices()`, and one task per slice is sent with `SendMessageBatch`. Workers made with
 * `fanOutWorker()` deliver them. Fan-out reaches channels; send to named connections with
 * `broadcast`. With a `history` policy (the messenger's), the message is appended once to each
 * history channel here, and every task carries the same `$mid`/`$seq` frame.
 */
export async function fanOut(
  store: ConnectionStore | undefined,
  target: BroadcastTarget,
  data: FanOutData,
  options: FanOutOptions,
  history?: HistoryPolicy,
): Promise<FanOutResult> {
  if (store === undefined)
    throw new TypeError('fanOut needs a store: new Messenger({ store }) or new WebSocketApp({ store })');
  if ((target.connectionIds?.length ?? 0) > 0) {
    throw new TypeError('fanOut reaches channels only; send to named connections with broadcast()');
  }
  const slices = options.slices ?? 8;
  const broadcastId = options.broadcastId ?? randomUUID();
  if (!/^[\x21-\x7e]{1,64}$/.test(broadcastId)) {
    throw new RangeError('broadcastId must be 1-64 printable ASCII characters without spaces');
  }
  const channels = [...new Set(target.channels ?? [])];
  const given = typeof data === 'function' ? data(broadcastId) : data;
  // The planner appends to history channels once; every task carries the framed message.
  const { data: message } = await appendToHistory(store, history, channels, broadcastId, given);
  const payload = encodePayload(message);
  const bin = message instanceof Uint8Array || message instanceof ArrayBuffer;
  const p = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
  const except = typeof target.except === 'string' ? [target.except] : [...(target.except ?? [])];
  const bodies: string[] = [];
  for (const [index, channel] of channels.entries()) {
    const cursors: Array<string | undefined> = store.memberSlices
      ? await store.memberSlices(channel, slices)
      : [undefined];
    for (const [n, cursor] of cursors.entries()) {
      const task: FanOutTask = { v: 1, b: broadcastId, k: `${index}.${n}`, ch: channel, p };
      if (cursor !== undefined) task.c = cursor;
      if (except.length > 0) task.x = except;
      if (bin) task.bin = true;
      bodies.push(encodeTask(task));
    }
  }
  const batches = bodies.length === 0 ? 0 : await sendBatches(options, options.queueUrl, bodies);
  return { broadcastId, tasks: bodies.length, batches, payloadBytes: payload.byteLength };
}
