import { WsappError } from '../errors/wsapp-error.js';

/**
 * One SQS message of a fan-out: one slice of one channel, with the message already encoded (its
 * bytes in base64: 128 KB of payload is 171 KB of body, under SQS's 256 KB, whatever the payload
 * holds; JSON-in-JSON escaping could double it).
 */
export interface FanOutTask {
  /** Format version. */
  v: 1;
  /** Broadcast id shared by every task of the fan-out. */
  b: string;
  /** The slice's key inside the broadcast (`<channel index>.<slice index>`): names its checkpoint. */
  k: string;
  /** The channel. */
  ch: string;
  /** The slice cursor to start from; absent: the whole channel from its start. */
  c?: string;
  /** Connections to skip. */
  x?: string[];
  /** Connections to send to first: those a previous attempt's deadline cut off. */
  ids?: string[];
  /** The payload bytes, base64. */
  p: string;
  /** The payload is binary (sent as a binary frame), not UTF-8 text. */
  bin?: true;
  /** How many times the remainder was re-enqueued (diagnostics). */
  r?: number;
}

/** Serialises a task as an SQS message body. */
export function encodeTask(task: FanOutTask): string {
  return JSON.stringify(task);
}

/** Parses an SQS message body into a task; {@link WsappError} `InvalidFanOutTask` otherwise. */
export function decodeTask(body: string): FanOutTask {
  let task: Partial<FanOutTask>;
  try {
    task = JSON.parse(body) as Partial<FanOutTask>;
  } catch {
    throw new WsappError('InvalidFanOutTask', 'not a fan-out task: the body is not JSON');
  }
  const strings = [task.b, task.k, task.ch, task.p].every((s) => typeof s === 'string' && s.length > 0);
  if (
    typeof task !== 'object' ||
    task === null ||
    task.v !== 1 ||
    !strings ||
    (task.c !== undefined && typeof task.c !== 'string') ||
    (task.x !== undefined && !(Array.isArray(task.x) && task.x.every((s) => typeof s === 'string'))) ||
    (task.ids !== undefined && !(Array.isArray(task.ids) && task.ids.every((s) => typeof s === 'string')))
  ) {
    throw new WsappError('InvalidFanOutTask', 'not a fan-out task: fields missing or of the wrong type');
  }
  return task as FanOutTask;
}

/** The payload of a task as the messenger sends it: text as a string, binary as bytes. */
export function taskPayload(task: FanOutTask): string | Uint8Array {
  const bytes = Buffer.from(task.p, 'base64');
  return task.bin ? new Uint8Array(bytes) : bytes.toString('utf8');
}
