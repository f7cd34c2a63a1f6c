import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { RequestContext } from '../context/request-context.js';
import type { WebSocketContext } from '../context/web-socket-context.js';
import { composeMiddleware } from '../routing/compose-middleware.js';
import { validateBody, validateConnectInput } from '../validation/validate-body.js';
import { type ErrorLevel, errorLevel } from './error-matching.js';
import type { Definitions, PendingDecorator, RouteDefinition } from './route-definitions.js';
import { fullKey } from './route-keys.js';
import type { AppMiddleware } from './types.js';

type AnyContext = RequestContext<unknown, object, object>;

/** A route ready to run: middleware, validation and handler composed once. */
export interface CompiledRoute {
  readonly key: string;
  readonly twoWay: boolean;
  /** Answers the result or a promise of it, and may throw synchronously. */
  readonly run: (ctx: AnyContext) => unknown;
  /** Error handlers in reach of this route, innermost router first, the app last. */
  readonly errorLevels: readonly ErrorLevel[];
}

/** The flat route table of an app and every router it includes. */
export interface RouteTable {
  readonly routes: ReadonlyMap<string, CompiledRoute>;
  readonly twoWayKeys: readonly string[];
  /** Registration problems found (duplicate keys across routers, decorators never applied). */
  readonly problems: readonly string[];
  /** Decorators that were seen unapplied or uninstantiated (reported once each). */
  readonly decorators: readonly PendingDecorator[];
}

export function compileRoutes(app: Definitions): RouteTable {
  const routes = new Map<string, CompiledRoute>();
  const problems: string[] = [];
  const decorators: PendingDecorator[] = [];
  const walk = (
    defs: Definitions,
    prefix: string,
    outer: readonly AppMiddleware<object, object>[],
    levels: readonly ErrorLevel[],
    path: readonly Definitions[],
  ) => {
    if (path.includes(defs)) {
      problems.push('a router includes itself (directly or through another router); the cycle was skipped');
      return;
    }
    const chain = [...outer, ...defs.middleware];
    const here = [errorLevel(defs), ...levels];
    for (const route of defs.routes.values()) {
      const key = fullKey(prefix, route.key);
      if (routes.has(key)) {
        problems.push(`route ${key} is registered more than once (app and routers); the first one answers`);
        continue;
      }
      routes.set(key, { key, twoWay: route.twoWay, run: build(route, chain), errorLevels: here });
    }
    for (const d of defs.decorators) if (!d.registered) decorators.push(d);
    for (const { definitions, options } of defs.included) {
      walk(definitions, prefix + (options.prefix ?? ''), chain, here, [...path, defs]);
    }
  };
  walk(app, '', [], [], []);
  const twoWayKeys = [...routes.values()].filter((r) => r.twoWay).map((r) => r.key);
  return { routes, twoWayKeys, problems, decorators };
}

function build(route: RouteDefinition, middleware: readonly AppMiddleware<object, object>[]) {
  const handler = route.handler as (ctx: AnyContext) => unknown;
  const schema: StandardSchemaV1 | undefined = route.schema;
  // Synchronous schemas (zod, valibot, …) validate without a promise; async ones are awaited.
  const inner = schema
    ? (ctx: AnyContext) => {
        const body = validateBody(schema, ctx.parsedBody());
        if (body instanceof Promise) {
          return body.then((value) => {
            ctx.setBody(value);
            return handler(ctx);
          });
        }
        ctx.setBody(body);
        return handler(ctx);
      }
    : handler;
  const checked = route.query || route.headers ? connectInputs(route, inner) : inner;
  return composeMiddleware<WebSocketContext<unknown, object, object>>(
    [...middleware, ...route.middleware],
    checked as (ctx: WebSocketContext<unknown, object, object>) => unknown,
  ) as (ctx: AnyContext) => unknown;
}

/** `$connect` query and header schemas, checked before the handler (headers first: 401 before 400). */
function connectInputs(route: RouteDefinition, inner: (ctx: AnyContext) => unknown) {
  const steps: Array<['query' | 'headers', StandardSchemaV1]> = [];
  if (route.headers) steps.push(['headers', route.headers]);
  if (route.query) steps.push(['query', route.query]);
  return (ctx: AnyContext): unknown => {
    const next = (index: number): unknown => {
      const step = steps[index];
      if (step === undefined) return inner(ctx);
      const [part, schema] = step;
      const out = validateConnectInput(schema, part === 'query' ? ctx.query : ctx.headers, part);
      if (out instanceof Promise) {
        return out.then((value) => {
          ctx.setConnectInput(part, value);
          return next(index + 1);
        });
      }
      ctx.setConnectInput(part, out);
      return next(index + 1);
    };
    return next(0);
  };
}
