import { InvalidRouteSelectionError } from '../errors/app-errors.js';

const PREFIX = '$request.body.';

/** Reads the route key out of a parsed message body; `undefined` when the field is absent. */
export type RouteSelector = (body: unknown) => string | undefined;

/**
 * Compiles API Gateway's route selection expression `$request.body.<dotted.path>`.
 * The selected value is compared as a string, like API Gateway does. Only own properties are
 * read, so `__proto__` or `constructor` in a body never select anything inherited.
 */
export function compileRouteSelection(expression: string): RouteSelector {
  if (!expression.startsWith(PREFIX) || expression.length === PREFIX.length) {
    throw new InvalidRouteSelectionError(
      `routeSelection must look like "$request.body.action", got ${JSON.stringify(expression)}`,
    );
  }
  const path = expression.slice(PREFIX.length).split('.');
  if (path.some((segment) => segment.length === 0)) {
    throw new InvalidRouteSelectionError(`routeSelection has an empty path segment: ${expression}`);
  }
  return (body) => {
    let value: unknown = body;
    for (const segment of path) {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  };
}
