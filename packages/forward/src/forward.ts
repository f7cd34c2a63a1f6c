import { randomUUID } from 'node:crypto';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import {
  type InferBody,
  type Logger,
  validateBody,
  type WebSocketContext,
  WebSocketError,
} from '@wsapp/core';
import type { CorrelationEnvelope, ForwardedMessage } from './envelope.js';
import { type EnvelopeSigning, signingKeys, signMessage, TaskSignatureError } from './signature.js';
import type { ForwardTarget } from './targets/forward-target.js';

/** The route's answer when the target accepted the task. */
export interface ForwardAccepted {
  /** Always `true`: the task was handed to the target. */
  accepted: true;
  /** The task's id; every later update to the client carries it. */
  taskId: string;
}

/**
 * Options of {@link forward}. `secret` (or an explicit `unsigned: true`) is required: the consumer
 * answers whichever connection an envelope names, so it must know the route wrote it.
 */
export interface ForwardOptions<TSchema extends StandardSchemaV1 | undefined = undefined>
  extends EnvelopeSigning {
  /** A Standard Schema (zod, valibot, …) the JSON body must match; failures answer 400 before forwarding. */
  schema?: TSchema;
  /** Turns the (validated) body into the task's `data`; default: the body as is. */
  transform?: (body: InferBody<TSchema>, ctx: WebSocketContext<unknown, object>) => unknown;
  /** The task id (also the FIFO deduplication id); default a random UUID. */
  taskId?: (ctx: WebSocketContext<unknown, object>) => string;
  /**
   * The management endpoint put in the envelope; default `ctx.endpoint` (the app's `endpoint`
   * option, else the one the event implies).
   */
  endpoint?: string;
  /** Where a refusal by the target is logged; default `console`. */
  logger?: Logger;
}

/** A route handler that forwards, usable with `app.route()`, `app.onDefault()`. */
export type ForwardHandler = (ctx: WebSocketContext<unknown, object>) => Promise<ForwardAccepted>;

/**
 * A route handler that puts the message on a target (SQS, SNS, EventBridge, or your own) as a
 * {@link ForwardedMessage} with a correlation envelope signed with `options.secret`, and answers
 * the client `{ accepted: true, taskId }`. A consumer answers later with `replyTo(record)`, which
 * verifies the signature with the same secret. If the target refuses, the cause is logged and the
 * client gets a 502 `task could not be queued`; data a signing route cannot sign (a value JSON does
 * not carry exactly: `1e400`, `-0`, a lone surrogate) answers 400 and sends nothing. Throws
 * `TypeError` without `secret` or `unsigned`.
 *
 * @example
 * ```ts
 * app.route('submit', forward(new SqsTarget({ queueUrl: process.env.QUEUE_URL! }), {
 *   schema: Job,
 *   secret: process.env.FORWARD_SECRET!,
 * }));
 * ```
 */
export function forward<TSchema extends StandardSchemaV1 | undefined = undefined>(
  target: ForwardTarget,
  options: ForwardOptions<TSchema> = {},
): ForwardHandler {
  const keys = signingKeys(options, 'forward()');
  const logger = options.logger ?? console;
  const newTaskId = options.taskId ?? (() => randomUUID());
  return async (ctx) => {
    const body = (
      options.schema === undefined ? ctx.body : await validateBody(options.schema, ctx.body)
    ) as InferBody<TSchema>;
    const data = options.transform === undefined ? body : await options.transform(body, ctx);
    const endpoint = options.endpoint ?? ctx.endpoint;
    const envelope: CorrelationEnvelope = {
      connectionId: ctx.connectionId,
      requestId: ctx.requestId,
      routeKey: ctx.routeKey,
      ...(endpoint === undefined ? {} : { endpoint }),
      sentAt: Date.now(),
      taskId: newTaskId(ctx),
    };
    const message = keys === undefined ? { envelope, data } : signed({ envelope, data }, keys[0] as Buffer);
    try {
      await target.put(message);
    } catch (error) {
      logger.error('wsapp: the target refused the task', {
        target: target.name,
        connectionId: ctx.connectionId,
        routeKey: ctx.routeKey,
        requestId: ctx.requestId,
        taskId: envelope.taskId,
        error,
      });
      throw new WebSocketError(502, 'task could not be queued', {
        expose: true,
        details: { taskId: envelope.taskId },
        cause: error,
      });
    }
    return { accepted: true, taskId: envelope.taskId };
  };
}

/**
 * The message signed, or a 400 for data JSON does not carry exactly (`1e400`, `-0`, a lone
 * surrogate: the client's JSON can hold them): a signature over it would also cover other data.
 */
function signed(message: ForwardedMessage, key: Buffer): ForwardedMessage {
  try {
    return signMessage(message, key);
  } catch (error) {
    if (error instanceof TaskSignatureError) {
      throw new WebSocketError(400, 'task data cannot be signed: a value JSON does not carry exactly', {
        cause: error,
      });
    }
    throw error;
  }
}
