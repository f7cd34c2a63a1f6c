import type { MessageData } from '../messaging/payload.js';
import { CORRELATION_FIELD, correlationOf } from './correlation-id.js';

/**
 * Answers a client's `request()` from a one-way route (whose return value API Gateway drops):
 * sends `{"$rid":id,"ok":true,"data":data}` to the connection through the management API. For a
 * message sent without a request id it sends `data` as a plain push. After a reply the route's own
 * response is left unwrapped, so return nothing from the handler.
 *
 * @example
 * ```ts
 * app.route('join', { body: Join }, async (ctx) => {
 *   await ctx.join(`room#${ctx.body.room}`);
 *   await reply(ctx, { joined: ctx.body.room });
 * });
 * ```
 */
export function reply(
  ctx: { readonly event: object; readonly body: unknown; send(data: MessageData): Promise<'sent' | 'gone'> },
  data: MessageData,
): Promise<'sent' | 'gone'> {
  void ctx.body; // the id is taken when the body is parsed
  const correlation = correlationOf(ctx.event);
  if (correlation === undefined) return ctx.send(data);
  correlation.replied = true;
  return ctx.send({ [CORRELATION_FIELD]: correlation.id, ok: true, data });
}
