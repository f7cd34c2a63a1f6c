import { type WebSocketContext, WebSocketError } from '@wsapp/core';

/** Longest user id accepted from the authorizer context. */
const MAX_USER_ID = 128;

/**
 * The user id the Lambda authorizer put in its context (`principalId`), or `undefined`.
 * Identity comes from the authorizer only: never from the query string or a message body.
 */
export function principalOf(ctx: Pick<WebSocketContext, 'authorizer'>): string | undefined {
  const id = ctx.authorizer?.principalId;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_USER_ID ? id : undefined;
}

/** Like {@link principalOf}, but answers 401 when there is no principal. */
export function requirePrincipal(ctx: Pick<WebSocketContext, 'authorizer'>): string {
  const id = principalOf(ctx);
  if (id === undefined) throw new WebSocketError(401, 'unauthorized');
  return id;
}
