import type { WebSocketResponse } from '../events/event-types.js';
import { correlationOf } from './correlation-id.js';

/**
 * The hook where a message's result becomes its route response: when the client sent a request id,
 * the response body becomes the reply envelope `{"$rid":id,"ok":true,"data":…}` (2xx) or
 * `{"$rid":id,"ok":false,"status":…,"error":…}` (4xx/5xx, the usual error body). Returned
 * unchanged: responses to uncorrelated messages, requests already answered with `reply()`, and
 * 2xx answers without a body (API Gateway sends nothing for those either, so a handler that
 * returns nothing may still answer later with `reply()` or from a worker).
 */
export function correlateResponse(
  ctx: { readonly event: object; readonly rawBody: string | undefined; parsedBody(): unknown },
  response: WebSocketResponse,
): WebSocketResponse {
  let correlation = correlationOf(ctx.event);
  if (correlation === undefined) {
    // Cheap test first: most messages carry no id and were parsed already or need no parse.
    if (ctx.rawBody === undefined || !ctx.rawBody.includes('"$rid"')) return response;
    ctx.parsedBody();
    correlation = correlationOf(ctx.event);
    if (correlation === undefined) return response;
  }
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  if (correlation.replied || (ok && response.body === undefined)) return response;
  const head = `{"$rid":${JSON.stringify(correlation.id)},"ok":${ok}`;
  const status = ok ? '' : `,"status":${response.statusCode}`;
  const payload = response.body === undefined ? '' : `,"${ok ? 'data' : 'error'}":${asJson(response.body)}`;
  return { ...response, body: `${head}${status}${payload}}` };
}

/** The body as JSON text: JSON bodies as they are, plain strings quoted. */
function asJson(body: string): string {
  try {
    JSON.parse(body);
    return body;
  } catch {
    return JSON.stringify(body);
  }
}
