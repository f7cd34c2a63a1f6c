import {
  type ConnectionStore,
  type LambdaContext,
  type Logger,
  type MessageData,
  Messenger,
  type WebSocketError,
  WsappError,
} from '@wsapp/core';
import type { CorrelationEnvelope } from './envelope.js';
import { readEnvelope, type TaskSource } from './read-envelope.js';
import { type EnvelopeSigning, signingKeys, verifyMessage } from './signature.js';

/** What the client receives about its task. `data` and `error` are absent when not given. */
export type TaskUpdate =
  | {
      /** An intermediate update. */
      type: 'progress';
      /** The task's id, as `forward` answered it. */
      taskId: string;
      /** What the worker reported. */
      data?: unknown;
    }
  | {
      /** The task finished. */
      type: 'done';
      /** The task's id, as `forward` answered it. */
      taskId: string;
      /** The task's result. */
      data?: unknown;
    }
  | {
      /** The task failed. */
      type: 'error';
      /** The task's id, as `forward` answered it. */
      taskId: string;
      /** What went wrong, as the client may see it. */
      error: TaskErrorInfo;
    };

/** The error a client sees in a `{ type: 'error' }` update. */
export interface TaskErrorInfo {
  /** A message for the client. */
  message: string;
  /** A machine-readable code, if any. */
  code?: string;
}

/**
 * Options of {@link replyTo}. `secret` (the forwarding route's) or an explicit `unsigned: true` is
 * required: an envelope names the connection and the endpoint the reply goes to, so a record
 * another producer wrote must not be answered.
 */
export interface ReplyToOptions extends EnvelopeSigning {
  /** The Messenger to send through (recommended: one per Lambda, reused across records). */
  messenger?: Messenger;
  /** Without `messenger`: a store, so gone connections are removed and record endpoints are used. */
  store?: ConnectionStore;
  /** Overrides the endpoint carried by the envelope (e.g. a custom domain). */
  endpoint?: string;
  /** The consumer's Lambda context: retries stop before it runs out of time. */
  lambdaContext?: LambdaContext;
  /** Where a default Messenger logs; default `console`. */
  logger?: Logger;
}

/** A sender bound to the connection that submitted a task. */
export interface TaskReply<TData = unknown> {
  /** The correlation envelope the forwarding route wrote. */
  readonly envelope: CorrelationEnvelope;
  /** The task's data, as forwarded. */
  readonly data: TData;
  /** The task's id, from the envelope. */
  readonly taskId: string;
  /** The connection that asked, from the envelope. */
  readonly connectionId: string;
  /** Sends `{ type: 'progress', taskId, data }`; `'gone'` when the client has left. */
  send(progress?: MessageData): Promise<'sent' | 'gone'>;
  /** Sends `{ type: 'done', taskId, data }`. */
  done(result?: MessageData): Promise<'sent' | 'gone'>;
  /**
   * Sends `{ type: 'error', taskId, error: { message, code? } }`. A string or `{ message, code }` is
   * sent as is; an `Error` only shows its message when it is an exposed `WebSocketError`, else
   * `Task failed` (internals never reach the client).
   */
  fail(error: string | Error | TaskErrorInfo): Promise<'sent' | 'gone'>;
}

const byStore = new WeakMap<ConnectionStore, Messenger>();
let storeless: Messenger | undefined;

function defaultMessenger(store: ConnectionStore | undefined, logger: Logger | undefined): Messenger {
  if (store === undefined) {
    storeless ??= new Messenger(logger === undefined ? {} : { logger });
    return storeless;
  }
  let messenger = byStore.get(store);
  if (messenger === undefined) {
    messenger = new Messenger({ store, ...(logger === undefined ? {} : { logger }) });
    byStore.set(store, messenger);
  }
  return messenger;
}

function toErrorInfo(error: string | Error | TaskErrorInfo): TaskErrorInfo {
  if (typeof error === 'string') return { message: error };
  // By code, not instanceof: the error may come from another copy of @wsapp/core than this one.
  if (WsappError.is(error, 'WebSocketError')) {
    return { message: (error as WebSocketError).expose === true ? error.message : 'Task failed' };
  }
  if (error instanceof Error) return { message: 'Task failed' };
  return error.code === undefined ? { message: error.message } : { message: error.message, code: error.code };
}

/**
 * Binds a sender to the connection that submitted the task carried by an SQS record, an SNS record
 * or an EventBridge event (see `readEnvelope`), once its signature verifies with `options.secret`
 * (else `TaskSignatureError`; `TypeError` without `secret` or `unsigned: true`). Messages go
 * through the Messenger: the endpoint is `options.endpoint`, else the envelope's, else the
 * Messenger's, else the connection's stored record; a connection that has gone answers `'gone'`
 * (and is removed from the store). A record delivered twice is answered twice, every update
 * carrying the `taskId`: clients dedupe by it.
 *
 * @example
 * ```ts
 * export const worker = async (event: SQSEvent) => {
 *   for (const record of event.Records) {
 *     const task = replyTo<Job>(record, { messenger, secret: process.env.FORWARD_SECRET! });
 *     await task.send({ percent: 50 });
 *     await task.done({ url: await build(task.data) });
 *   }
 * };
 * ```
 */
export function replyTo<TData = unknown>(source: TaskSource, options: ReplyToOptions): TaskReply<TData> {
  const keys = signingKeys(options ?? {}, 'replyTo()');
  const message = readEnvelope<TData>(source);
  if (keys !== undefined) verifyMessage(message, keys);
  const { envelope, data } = message;
  const messenger = options.messenger ?? defaultMessenger(options.store, options.logger);
  const endpoint = options.endpoint ?? envelope.endpoint;
  const callOptions = {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(options.lambdaContext === undefined ? {} : { lambdaContext: options.lambdaContext }),
  };
  const { taskId, connectionId } = envelope;
  const post = (update: TaskUpdate) => messenger.send(connectionId, update, callOptions);
  const withData = (type: 'progress' | 'done', value: MessageData | undefined): TaskUpdate =>
    value === undefined ? { type, taskId } : { type, taskId, data: value };
  return {
    envelope,
    data,
    taskId,
    connectionId,
    send: (progress) => post(withData('progress', progress)),
    done: (result) => post(withData('done', result)),
    fail: (error) => post({ type: 'error', taskId, error: toErrorInfo(error) }),
  };
}
