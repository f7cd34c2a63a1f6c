import { compileRouteSelection } from '@wsapp/core';

const DEFAULT = '$default';
const RESERVED = new Set(['$connect', '$disconnect']);

/** Picks the route key for a message, or `undefined` when neither a route nor `$default` matches. */
export type RouteSelector = (body: Buffer, binary: boolean) => string | undefined;

/**
 * API Gateway's route selection, with the same expression evaluation as `WebSocketApp`'s
 * in-Lambda routing: `$request.body.<dotted.path>` on the JSON body (own properties only), the
 * value compared as a string with the declared route keys. Binary frames, non-JSON bodies, a
 * missing field or an unknown value fall back to `$default` when declared.
 */
export function compileRouteSelector(expression: string, routeKeys: Iterable<string>): RouteSelector {
  let select: (body: unknown) => string | undefined;
  try {
    select = compileRouteSelection(expression);
  } catch (error) {
    throw new TypeError(`routeSelectionExpression: ${(error as Error).message}`);
  }
  const keys = new Set([...routeKeys].filter((key) => !RESERVED.has(key)));
  const fallback = keys.has(DEFAULT) ? DEFAULT : undefined;
  return (body, binary) => {
    if (binary) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return fallback;
    }
    const value = select(parsed);
    return value !== undefined && keys.has(value) ? value : fallback;
  };
}
