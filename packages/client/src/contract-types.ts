/**
 * Structural view of a server contract (`defineApi` in `@wsapp/core`), read through Standard
 * Schema's type slot only, so the client depends on nothing of the server, types included.
 */

/** Anything carrying Standard Schema types (zod, valibot, `typed<T>()`, …). */
export interface SchemaLike {
  /** The Standard Schema interface. */
  readonly '~standard': {
    /** The schema's types (a type-level slot; never read at run time). */
    readonly types?: SchemaTypes | undefined;
  };
}

/** Standard Schema's type slot. */
export interface SchemaTypes {
  /** What the schema accepts: what clients send. */
  readonly input: unknown;
  /** What it produces. */
  readonly output: unknown;
}

/** One route: body and response schemas, both optional. */
export interface RouteShape {
  /** Schema of the message body. */
  readonly body?: SchemaLike | undefined;
  /** Schema of the route's answer. */
  readonly response?: SchemaLike | undefined;
}

/** The contract shape `createClient<typeof api>()` accepts. */
export interface ApiShape {
  /** Routes by route key (the `action` of a message). */
  readonly routes: { readonly [action: string]: RouteShape };
  /** Schema of what the server pushes. */
  readonly push?: SchemaLike | undefined;
}

/** The untyped contract: any action, any body, unknown answers. */
export interface AnyApi extends ApiShape {
  /** Every action allowed. */
  readonly routes: { readonly [action: string]: UntypedRoute };
}

/** A route without schemas. */
export interface UntypedRoute {
  /** No body schema: any body. */
  readonly body?: undefined;
  /** No response schema: unknown answers. */
  readonly response?: undefined;
}

type InputOf<S> = S extends SchemaLike ? NonNullable<S['~standard']['types']>['input'] : never;

/** Route keys of a contract. */
export type ActionOf<A extends ApiShape> = keyof A['routes'] & string;

/** The body a route accepts (its schema's input without `action`, which the client sets). */
export type BodyOf<A extends ApiShape, K extends ActionOf<A>> = [InputOf<A['routes'][K]['body']>] extends [
  never,
]
  ? Record<string, unknown>
  : Omit<InputOf<A['routes'][K]['body']>, 'action'>;

/** What `request()` resolves with for a route (`unknown` without a response schema). */
export type ResponseOf<A extends ApiShape, K extends ActionOf<A>> = [
  InputOf<A['routes'][K]['response']>,
] extends [never]
  ? unknown
  : InputOf<A['routes'][K]['response']>;

/** What the server pushes (`unknown` without a push schema). */
export type PushOf<A extends ApiShape> = [InputOf<A['push']>] extends [never] ? unknown : InputOf<A['push']>;

/** The body argument: optional when every field is optional. */
export type BodyArg<A extends ApiShape, K extends ActionOf<A>> =
  Record<string, never> extends BodyOf<A, K> ? [body?: BodyOf<A, K>] : [body: BodyOf<A, K>];
