/**
 * What the construct needs to know of an app's routes: a `WebSocketApp` has both properties, so the
 * app itself can be passed; so can a manifest (`JSON.parse` of `{ routeKeys, twoWayRouteKeys }`)
 * written from the app by a build step when its module cannot be imported at synth time.
 */
export interface WebSocketRoutes {
  /** The route keys the app handles (`app.routeKeys`). */
  readonly routeKeys: readonly string[];
  /** The routes whose result is the reply (`app.twoWayRouteKeys`): they get a `$default` route response. */
  readonly twoWayRouteKeys: readonly string[];
}

/** One route of the API, as the construct creates it. */
export interface PlannedRoute {
  /** The route key. */
  readonly key: string;
  /** Whether it gets a `$default` route response (its integration's answer reaches the client). */
  readonly twoWay: boolean;
}

const SPECIAL = new Set(['$connect', '$disconnect', '$default']);
/** API Gateway: a route key is at most 128 characters. */
const MAX_ROUTE_KEY_LENGTH = 128;

/**
 * The routes to create from an app's declaration: every declared route, plus `$connect` and
 * `$disconnect` always (the store records connections there even when the app declares no handler);
 * two-way exactly for `twoWayRouteKeys`. Throws on a declaration API Gateway cannot carry: a two-way
 * route that is not declared, a two-way `$connect`/`$disconnect`, an unknown `$` key, an empty or
 * over-long key.
 */
export function planRoutes(routes: WebSocketRoutes): PlannedRoute[] {
  const keys = [...new Set(['$connect', '$disconnect', ...routes.routeKeys])];
  const twoWay = new Set(routes.twoWayRouteKeys);
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_ROUTE_KEY_LENGTH) {
      throw new TypeError(`route key ${JSON.stringify(key)} must be 1 to ${MAX_ROUTE_KEY_LENGTH} characters`);
    }
    if (key.startsWith('$') && !SPECIAL.has(key)) {
      throw new TypeError(`route key ${key}: only $connect, $disconnect and $default may start with $`);
    }
  }
  for (const key of twoWay) {
    if (key === '$connect' || key === '$disconnect') {
      throw new TypeError(`${key} cannot be two-way: API Gateway sends no route response for it`);
    }
    if (!keys.includes(key)) throw new TypeError(`two-way route ${key} is not among routeKeys`);
  }
  return keys.map((key) => ({ key, twoWay: twoWay.has(key) }));
}
