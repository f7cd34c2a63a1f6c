import type { RequestContext } from '../context/request-context.js';
import type { WebSocketResponse } from '../events/event-types.js';
import { toResponse } from '../routing/to-response.js';

/**
 * Where a route's result becomes the integration response — the one place, so what shapes
 * replies (request correlation, …) hooks in here. `undefined` → 200 without body, a string as is,
 * anything else as JSON; the chosen subprotocol is answered on `$connect`. Throws when the result
 * cannot be serialised (a bigint, a cycle), which the app answers 500.
 */
export function routeResponse(
  result: unknown,
  ctx: RequestContext<unknown, object, object>,
): WebSocketResponse {
  return toResponse(
    result,
    ctx.subprotocol === undefined ? undefined : { 'Sec-WebSocket-Protocol': ctx.subprotocol },
  );
}
