import type { DefaultAuthorizer, DefaultState } from '../context/web-socket-context.js';
import { RouteRegistry } from './route-registry.js';

/**
 * A group of routes, with their own middleware and error handlers, defined in a file of their
 * own and added to an app with `app.include(router, { prefix })` (Powertools' `Router`).
 *
 * @example
 * ```ts
 * export const rooms = new WebSocketRouter()
 *   .use(requireUser)
 *   .route('join', { body: JoinRoom }, (ctx) => ctx.join(`room#${ctx.body.room}`));
 * // app.ts
 * app.include(rooms, { prefix: 'rooms.' }); // route key `rooms.join`
 * ```
 *
 * @typeParam TState - the type of `ctx.state`; must match the app's
 * @typeParam TAuthorizer - the type of `ctx.authorizer`; must match the app's
 */
export class WebSocketRouter<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> extends RouteRegistry<TState, TAuthorizer> {}
