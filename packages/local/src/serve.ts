import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBuilder } from './events/event-builder.js';
import { FaultInjector } from './faults/fault-injector.js';
import { CloseCodes } from './gateway/close-reasons.js';
import { ConnectFlow } from './gateway/connect-flow.js';
import { ConnectionRegistry } from './gateway/connection-registry.js';
import type { GatewayDeps } from './gateway/gateway-deps.js';
import { oneWayWarning } from './gateway/one-way-warning.js';
import { isWebSocketPath } from './gateway/websocket-path.js';
import type { AppOrHandler } from './lambda/handler-types.js';
import { createInvoker } from './lambda/invoker.js';
import { writeAwsError } from './management/aws-error.js';
import { createManagementApi, isManagementPath } from './management/management-api.js';
import { StatsRecorder } from './management/stats.js';
import { resolveOptions, type ServeOptions } from './options.js';
import { compileRouteSelector } from './routing/route-selector.js';
import type { LocalServer } from './server-types.js';

/**
 * Starts an API Gateway WebSocket emulator in front of a `WebSocketApp` or a plain Lambda handler:
 * real WebSocket connections on `ws://127.0.0.1:<port>/<stage>` and the `@connections`
 * management API on `http://127.0.0.1:<port>/<stage>` (the same port).
 *
 * @example
 * ```ts
 * const server = await serve(app, { port: 3001 });
 * console.log(server.url); // ws://127.0.0.1:3001/local
 * // …
 * await server.close();
 * ```
 */
export async function serve(target: AppOrHandler, options: ServeOptions = {}): Promise<LocalServer> {
  const o = resolveOptions(target, options);
  const selectRoute = compileRouteSelector(o.routeSelectionExpression, o.routes);
  const invoke = createInvoker(target, o.functionName, o.timeoutMs);
  const http = createServer();
  // The AWS SDK keeps sockets alive without an idle timeout of its own; outlive its pauses so a
  // reused socket is not closed under a request (Node's default is 5 s).
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const address = await listen(http, o.host, o.port);
  const domainName = hostPort(address);

  const registry = new ConnectionRegistry();
  const faults = new FaultInjector();
  const stats = new StatsRecorder();
  const deps: GatewayDeps = {
    stage: o.stage,
    apiId: o.apiId,
    port: address.port,
    builder: new EventBuilder({ apiId: o.apiId, stage: o.stage, domainName }),
    invoke,
    selectRoute,
    twoWayRoutes: o.twoWayRoutes,
    warnDropped: oneWayWarning(o.logger),
    registry,
    authorizer: o.authorizer,
    idleTimeoutMs: o.idleTimeoutMs,
    maxConnectionMs: o.maxConnectionMs,
    logger: o.logger,
  };
  const connectFlow = new ConnectFlow(deps);
  const management = createManagementApi({
    stage: o.stage,
    registry,
    faults,
    stats,
    disconnect: (connectionId) => {
      const connection = registry.get(connectionId);
      registry.delete(connectionId);
      connection?.close(CloseCodes.normal, 'Connection Closed Normally', '');
    },
  });
  http.on('upgrade', connectFlow.handleUpgrade);
  http.on('request', (req, res) => {
    if (isWebSocketPath(req.url ?? '/', o.stage)) {
      // A plain HTTP request where the WebSocket API lives: API Gateway answers 426.
      const body = JSON.stringify({ message: 'Upgrade Required' });
      res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket', connection: 'Upgrade' });
      res.end(body);
      return;
    }
    if (o.httpHandler !== undefined && !isManagementPath(req.url ?? '/', o.stage)) {
      o.httpHandler(req, res);
      return;
    }
    management(req, res).catch((error: unknown) => {
      o.logger.error('wsapp-local: management API request failed', { error });
      if (!res.headersSent) writeAwsError(res, 500);
      else res.destroy();
    });
  });

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    const connecting = connectFlow.close();
    const open = registry.all();
    for (const connection of open) {
      registry.delete(connection.connectionId);
      connection.close(CloseCodes.goingAway, 'Going away');
    }
    // $connects still running end first: those that accept queue their $disconnect, awaited below.
    await connecting;
    await Promise.all(open.map((connection) => connection.closed));
    await registry.settled();
    await stop(http);
  };

  return {
    url: `ws://${domainName}/${o.stage}`,
    endpoint: `http://${domainName}/${o.stage}`,
    port: address.port,
    domainName,
    stage: o.stage,
    connections: registry.view(),
    faults,
    stats,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}

function listen(http: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host, port, backlog: 4096 }, () => {
      http.off('error', reject);
      resolve(http.address() as AddressInfo);
    });
  });
}

function stop(http: Server): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}

/** `host:port` clients can reach: wildcard addresses become 127.0.0.1, IPv6 gets brackets. */
function hostPort(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return `127.0.0.1:${address.port}`;
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}
