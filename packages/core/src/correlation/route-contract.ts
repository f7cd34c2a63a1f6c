import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * One route of a shared contract: the body schema the server validates (its input type is what
 * clients send) and, optionally, the response schema (what the handler returns and `request()`
 * resolves with). Also valid as the route's options: `app.route('join', api.routes.join, handler)`.
 */
export interface RouteContract {
  /** Schema of the message body. */
  body?: StandardSchemaV1;
  /** Schema (or {@link typed} marker) of the route's answer; checked against the handler's return type. */
  response?: StandardSchemaV1;
  /**
   * A two-way route: its return value reaches the client (API Gateway sends it only with a route
   * response). A route whose `response` is its return value needs it; one that answers with
   * `reply()` does not.
   */
  twoWay?: boolean;
}

/** A contract shared by server and client: routes by route key, and what the server pushes. */
export interface ApiContract {
  /** The routes, by route key. */
  routes: Record<string, RouteContract>;
  /** Schema (or {@link typed} marker) of the messages the server pushes (`ctx.send`, broadcasts). */
  push?: StandardSchemaV1;
}

/**
 * Declares the contract once, for both sides: the server registers routes with its entries, the
 * client is typed with `createClient<typeof api>(url)` from `@wsapp/client` (types only: nothing
 * of the server is bundled into the client).
 *
 * @example
 * ```ts
 * export const api = defineApi({
 *   routes: { join: { body: z.object({ room: z.string() }), response: typed<{ joined: string }>(), twoWay: true } },
 *   push: typed<ChatEvent>(),
 * });
 * app.route('join', api.routes.join, (ctx) => ({ joined: ctx.body.room }));
 * ```
 */
export function defineApi<const T extends ApiContract>(contract: T): T {
  return contract;
}

/**
 * A schema that accepts any value and carries only a type: for responses and pushes that need no
 * validation, `typed<{ joined: string }>()`.
 */
export function typed<T>(): StandardSchemaV1<T, T> {
  return {
    '~standard': { version: 1, vendor: 'wsapp', validate: (value) => ({ value: value as T }) },
  };
}

/** The response type a route's `response` schema declares (`unknown` without one). */
export type InferResponse<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<TSchema>
  : unknown;

/** The type of the messages a contract's server pushes, for `satisfies` on `ctx.send`/`broadcast` data. */
export type PushOf<T extends ApiContract> = T['push'] extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<T['push']>
  : unknown;
