import type { Logger } from '@wsapp/core';

/**
 * Logs once per route that a one-way route answered with a body API Gateway would drop, and how
 * to declare the route two-way (in the app, or with `serve()`'s `twoWayRoutes` for plain handlers).
 */
export function oneWayWarning(logger: Logger): (routeKey: string) => void {
  const warned = new Set<string>();
  return (routeKey) => {
    if (warned.has(routeKey)) return;
    warned.add(routeKey);
    const declaration =
      routeKey === '$default'
        ? 'app.onDefault({ twoWay: true }, …)'
        : `app.route('${routeKey}', { twoWay: true }, …)`;
    logger.warn(
      `wsapp-local: route ${routeKey} answered with a body, but it is a one-way route: API Gateway drops ` +
        'the answers of routes without a route response, so the client gets nothing (here neither). ' +
        `To send it back, declare the route two-way — ${declaration}, or serve(handler, { twoWayRoutes: ['${routeKey}'] }) ` +
        'for a plain handler — and give it a $default route response in the deploy template ' +
        '(RouteResponseSelectionExpression: $default). Otherwise push with PostToConnection.',
    );
  };
}
