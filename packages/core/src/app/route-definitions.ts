import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AppMiddleware, ErrorClass, ErrorHandler, IncludeOptions } from './types.js';

/** One route as registered, before composition. */
export interface RouteDefinition {
  readonly key: string;
  readonly handler: (ctx: never) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
  /** `$connect` only: schemas for the query string and the headers. */
  readonly query: StandardSchemaV1 | undefined;
  readonly headers: StandardSchemaV1 | undefined;
  readonly middleware: readonly AppMiddleware<object, object>[];
  readonly twoWay: boolean;
}

/** `errorHandler(classes, fn)` as registered. */
export interface ClassErrorHandler {
  readonly classes: readonly ErrorClass[];
  readonly handler: ErrorHandler<object, object, never>;
}

/** A route decorator made by `route(key, options?)` without a handler. */
export interface PendingDecorator {
  readonly key: string;
  /** Whether it was applied to a method (at class definition). */
  applied: boolean;
  /** Whether an instance of the class was created, so the route is registered. */
  registered: boolean;
}

/** What an app or router holds: everything registered on it, in order. */
export interface Definitions {
  readonly routes: Map<string, RouteDefinition>;
  readonly middleware: AppMiddleware<object, object>[];
  readonly errorHandlers: ClassErrorHandler[];
  catchAll: ErrorHandler<object, object> | undefined;
  readonly included: Array<{ readonly definitions: Definitions; readonly options: IncludeOptions }>;
  /** The apps and routers that include this one (so a registration here is checked against theirs). */
  readonly includedBy: Definitions[];
  readonly decorators: PendingDecorator[];
}

export function emptyDefinitions(): Definitions {
  return {
    routes: new Map(),
    middleware: [],
    errorHandlers: [],
    catchAll: undefined,
    included: [],
    includedBy: [],
    decorators: [],
  };
}

let generation = 0;

/** Bumped by every registration on any app or router, so an app knows when to recompile its routes. */
export function registrationGeneration(): number {
  return generation;
}

/** Records that something was registered somewhere. */
export function bumpGeneration(): void {
  generation++;
}
