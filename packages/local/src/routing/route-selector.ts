const PREFIX = '$request.body.';
const DEFAULT = '$default';
const RESERVED = new Set(['$connect', '$disconnect']);

/** Picks the route key for a message, or `undefined` when neither a route nor `$default` matches. */
export type RouteSelector = (body: Buffer, binary: boolean) => string | undefined;

/**
 * Compiles API Gateway's route selection: `$request.body.<dotted.path>` is evaluated on the JSON
 * body (own properties only), its value compared as a string with the declared route keys. Binary
 * frames, non-JSON bodies, a missing field or an unknown value fall back to `$default` when declared.
 */
export function compileRouteSelector(expression: string, routeKeys: Iterable<string>): RouteSelector {
  if (!expression.startsWith(PREFIX) || expression.length === PREFIX.length) {
    throw new TypeError(
      `routeSelectionExpression must look like "$request.body.action", got ${JSON.stringify(expression)}`,
    );
  }
  const path = expression.slice(PREFIX.length).split('.');
  if (path.some((segment) => segment.length === 0)) {
    throw new TypeError(`routeSelectionExpression has an empty path segment: ${expression}`);
  }
  const keys = new Set([...routeKeys].filter((key) => !RESERVED.has(key)));
  const fallback = keys.has(DEFAULT) ? DEFAULT : undefined;
  return (body, binary) => {
    if (binary) return fallback;
    const value = selectValue(body, path);
    return value !== undefined && keys.has(value) ? value : fallback;
  };
}

function selectValue(body: Buffer, path: readonly string[]): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
