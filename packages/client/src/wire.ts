/** The body field carrying the request id (`CORRELATION_FIELD` in `@wsapp/core`). */
export const RID = '$rid';

/** API Gateway closes a connection that sends a frame over 32 KB with 1009. */
export const MAX_FRAME_BYTES = 32 * 1024;

/** The text frame of `{action, ...body}`, with the request id when one is given. */
export function encode(action: string, body: Record<string, unknown> | undefined, rid?: string): string {
  return JSON.stringify(rid === undefined ? { ...body, action } : { ...body, action, [RID]: rid });
}

/** A received frame: parsed JSON, or the data as is when it is not JSON text. */
export function decode(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** A field of a decoded frame, when the frame is an object. */
export function field(message: unknown, name: string): unknown {
  return typeof message === 'object' && message !== null
    ? (message as Record<string, unknown>)[name]
    : undefined;
}
