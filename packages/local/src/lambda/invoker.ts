import type { WebSocketEvent } from '@wsapp/core';
import type { AppOrHandler, LambdaHandlerLike } from './handler-types.js';
import { createLambdaContext } from './lambda-context.js';
import { checkResponseSize } from './response-limit.js';

/** An integration response after normalization. */
export interface IntegrationResponse {
  statusCode: number;
  body: string | undefined;
  headers: Record<string, string>;
}

/** Why an invocation produced no response. */
export class InvocationError extends Error {
  constructor(
    readonly kind: 'error' | 'timeout',
    readonly error: unknown,
  ) {
    super(kind === 'timeout' ? 'Endpoint request timed out' : 'Lambda invocation failed');
  }
}

/** Runs one event through the integration; rejects with {@link InvocationError}. */
export type Invoker = (event: WebSocketEvent) => Promise<IntegrationResponse>;

/** Wraps an app or handler as an {@link Invoker} with a Lambda-like context and timeout. */
export function createInvoker(target: AppOrHandler, functionName: string, timeoutMs: number): Invoker {
  const handler = toHandler(target);
  return async (event) => {
    const context = createLambdaContext(functionName, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvocationError('timeout', undefined)), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([callHandler(handler, event, context), timeout]);
      checkResponseSize(result);
      return normalize(result);
    } catch (error) {
      throw error instanceof InvocationError ? error : new InvocationError('error', error);
    } finally {
      clearTimeout(timer);
    }
  };
}

function toHandler(target: AppOrHandler): LambdaHandlerLike {
  if (typeof target === 'function') return target;
  if (typeof target === 'object' && target !== null) {
    if (typeof target.resolve === 'function') {
      const resolve = target.resolve.bind(target);
      return (event, context) => resolve(event, context);
    }
    if (typeof target.handler === 'function') return target.handler();
  }
  throw new TypeError('serve() needs a WebSocketApp (with resolve() or handler()) or a Lambda handler');
}

/** Calls a handler that may return a promise, a value, or answer through a callback. */
function callHandler(
  handler: LambdaHandlerLike,
  event: WebSocketEvent,
  context: ReturnType<typeof createLambdaContext>,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) =>
      error === undefined || error === null ? resolve(result) : reject(error);
    try {
      const returned = handler(event, context, callback);
      if (isThenable(returned)) returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Lambda proxy semantics: no result → 200; a string → 200 with that body; an object → its
 * `statusCode` (200 when absent), `body` and `headers`.
 */
function normalize(result: unknown): IntegrationResponse {
  if (result === undefined || result === null) return { statusCode: 200, body: undefined, headers: {} };
  if (typeof result === 'string') return { statusCode: 200, body: result, headers: {} };
  if (typeof result !== 'object') return { statusCode: 200, body: JSON.stringify(result), headers: {} };
  const { statusCode, body, headers } = result as { statusCode?: unknown; body?: unknown; headers?: unknown };
  return {
    statusCode: typeof statusCode === 'number' && Number.isInteger(statusCode) ? statusCode : 200,
    body:
      body === undefined || body === null
        ? undefined
        : typeof body === 'string'
          ? body
          : JSON.stringify(body),
    headers: stringHeaders(headers),
  };
}

function stringHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = String(value);
    }
  }
  return out;
}
